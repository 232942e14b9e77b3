import { lazy, Suspense, useEffect, useState } from 'react';
import { ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import type { Locale } from 'antd/es/locale';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api/client';
import { AppLayout } from './components/AppLayout';
import { HomePage } from './pages/HomePage';

// The home page is in the first load; every other page is its own chunk.
const SearchPage = lazy(() => import('./pages/SearchPage'));
const AchievementPage = lazy(() => import('./pages/AchievementPage'));
const LotPage = lazy(() => import('./pages/LotPage'));
const SessionPage = lazy(() => import('./pages/SessionPage'));
const MarketPage = lazy(() => import('./pages/market/MarketPage'));
const LoginPage = lazy(() => import('./pages/LoginPage'));
const DeskPage = lazy(() => import('./pages/DeskPage'));
const HolderDesk = lazy(() => import('./pages/holder/HolderDesk'));
const BrokerDesk = lazy(() => import('./pages/broker/BrokerDesk'));
const AdminConsole = lazy(() => import('./pages/admin/AdminConsole'));
const HallScreen = lazy(() => import('./pages/admin/HallScreen'));
const RankingsPage = lazy(() => import('./pages/market/RankingsPage'));
const ErrorPage = lazy(() => import('./components/ErrorPage').then((m) => ({ default: m.ErrorPage })));

// Ant Design's English texts only for those who switch to English
const loadEnglish = () => import('antd/locale/en_US').then((m) => m.default);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  const { i18n } = useTranslation();
  const [english, setEnglish] = useState<Locale | null>(null);
  const [, rerender] = useState(0);
  useEffect(() => {
    const changed = (language: string) => {
      if (language === 'en') void loadEnglish().then(setEnglish);
      rerender((n) => n + 1);
    };
    if (i18n.language === 'en') changed('en');
    i18n.on('languageChanged', changed);
    return () => i18n.off('languageChanged', changed);
  }, [i18n]);
  return (
    <ConfigProvider locale={i18n.language === 'en' && english ? english : zhCN} theme={{ token: { colorPrimary: '#c8161d', borderRadius: 6 } }}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
            <Routes>
              {/* the hall's big screen: the whole window, no header */}
              <Route path="/hall/:id" element={<HallScreen />} />
              <Route
                path="*"
                element={
                  <AppLayout>
                    <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
                      <Routes>
                        <Route path="/" element={<HomePage />} />
                        <Route path="/search" element={<SearchPage />} />
                        <Route path="/achievement/:id" element={<AchievementPage />} />
                        <Route path="/lot/:id" element={<LotPage />} />
                        <Route path="/session/:id" element={<SessionPage />} />
                        <Route path="/market" element={<MarketPage />} />
                        <Route path="/login" element={<LoginPage />} />
                        <Route path="/desk/*" element={<DeskPage />} />
                        <Route path="/holder/*" element={<HolderDesk />} />
                        <Route path="/broker/*" element={<BrokerDesk />} />
                        <Route path="/admin/*" element={<AdminConsole />} />
                        <Route path="/market/rankings" element={<RankingsPage />} />
                        <Route path="/error/:kind" element={<ErrorPage />} />
                        <Route path="*" element={<ErrorPage kind="404" />} />
                      </Routes>
                    </Suspense>
                  </AppLayout>
                }
              />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </QueryClientProvider>
    </ConfigProvider>
  );
}

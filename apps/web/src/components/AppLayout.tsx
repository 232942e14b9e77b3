import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Button, Layout, Space } from 'antd';
import { Link, NavLink, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { setLanguage } from '../i18n';
import { currentUser, deskPath, onUserChange, signOut, type User } from '../lib/auth';
import './app.css';

// signed-in users only: its socket, toasts and lists stay out of the public pages' first load
const LiveNotices = lazy(() => import('./LiveNotices').then((m) => ({ default: m.LiveNotices })));

export function useCurrentUser(): User | null {
  const [user, setUser] = useState(currentUser);
  useEffect(() => onUserChange(setUser), []);
  return user;
}

export function AppLayout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const logout = async () => {
    await api.POST('/auth/logout').catch(() => undefined);
    signOut();
    void navigate('/');
  };
  return (
    <Layout className="app">
      <Layout.Header className="app-header">
        <Link to="/" className="brand">
          <span className="brand-mark">拍</span>
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        <nav className="app-nav">
          <NavLink to="/" end>
            {t('nav.home')}
          </NavLink>
          <NavLink to="/search">{t('nav.search')}</NavLink>
          <NavLink to="/market" end>
            {t('nav.market')}
          </NavLink>
          <NavLink to="/market/rankings">{t('nav.rankings')}</NavLink>
          {user ? <NavLink to={deskPath(user)}>{t('nav.desk')}</NavLink> : null}
        </nav>
        <Space className="app-actions" size="small">
          <Button size="small" type="text" className="lang-switch" onClick={() => setLanguage(i18n.language === 'en' ? 'zh' : 'en')}>
            {t('app.language')}
          </Button>
          {user ? (
            <>
              <Suspense fallback={null}>
                <LiveNotices user={user} />
              </Suspense>
              <span className="user-name" data-testid="user-name">
                {user.displayName}
              </span>
              <Button size="small" onClick={() => void logout()}>
                {t('nav.logout')}
              </Button>
            </>
          ) : (
            <Link to="/login">
              <Button size="small" type="primary">
                {t('nav.login')}
              </Button>
            </Link>
          )}
        </Space>
      </Layout.Header>
      <Layout.Content className="app-content">{children}</Layout.Content>
      <Layout.Footer className="app-footer">
        {t('app.tagline')} · {t('app.beijingTime')}
      </Layout.Footer>
    </Layout>
  );
}

import { lazy, Suspense } from 'react';
import { Card, Spin, Tabs } from 'antd';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../../components/AppLayout';
import { hasRole } from '../../lib/auth';
import { AchievementsTab } from './AchievementsTab';
import { ComplianceTab } from './ComplianceTab';
import { ImportTab } from './ImportTab';
import { ListingsTab } from './ListingsTab';
import './shared';

const MandatesTab = lazy(() => import('../mandates/MandatesTab'));

/** The holder's desk (universities, institutes, high-level platforms): one tab per job at /holder/<tab>. */
export default function HolderDesk() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const tab = useParams()['*'] || 'achievements';
  if (!user) return <Navigate to={`/login?next=/holder/${tab}`} replace />;
  if (!hasRole(user, 'holder_admin', 'holder_member')) return <Navigate to="/error/403" replace />;
  const isAdmin = hasRole(user, 'holder_admin');
  const items = [
    { key: 'achievements', label: t('holder.tabs.achievements'), children: <AchievementsTab isAdmin={isAdmin} /> },
    { key: 'import', label: t('holder.tabs.import'), children: <ImportTab canImport={isAdmin} /> },
    { key: 'compliance', label: t('holder.tabs.compliance'), children: <ComplianceTab /> },
    { key: 'listings', label: t('holder.tabs.listings'), children: <ListingsTab user={user} isAdmin={isAdmin} /> },
    ...(isAdmin
      ? [
          {
            key: 'mandates',
            label: t('desk.mandates'),
            children: (
              <Suspense fallback={<Spin />}>
                <MandatesTab principalType="holder" />
              </Suspense>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card title={t('holder.title')}>
      <Tabs activeKey={tab} onChange={(key) => void navigate(`/holder/${key}`)} items={items} destroyOnHidden />
    </Card>
  );
}

import { lazy, Suspense } from 'react';
import { Card, Spin, Tabs } from 'antd';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../components/AppLayout';
import { hasRole } from '../lib/auth';
import { BidsTab } from './desk/BidsTab';
import { ContractsTab } from './desk/ContractsTab';
import { NotificationsTab } from './desk/NotificationsTab';
import { FreeLicensesTab, SubsidiesTab } from './desk/SubsidiesTab';

// the broker area's chunk (its texts too) loads only when the tab opens
const MandatesTab = lazy(() => import('./mandates/MandatesTab'));

/** The enterprise's desk: one tab per job, each at its own URL (/desk/contracts …) so that a notice can link to it. */
export default function DeskPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const tab = useParams()['*'] || 'notifications';
  if (!user) return <Navigate to="/login?next=/desk" replace />;
  const enterprise = hasRole(user, 'enterprise_admin', 'enterprise_member');
  const items = [
    { key: 'notifications', label: t('desk.notifications'), children: <NotificationsTab /> },
    ...(enterprise
      ? [
          { key: 'bids', label: t('desk.bids'), children: <BidsTab /> },
          { key: 'contracts', label: t('desk.contracts'), children: <ContractsTab user={user} /> },
          { key: 'subsidies', label: t('desk.subsidies'), children: <SubsidiesTab canApply={hasRole(user, 'enterprise_admin')} /> },
          { key: 'free-licenses', label: t('desk.freeLicenses'), children: <FreeLicensesTab /> },
        ]
      : []),
    ...(hasRole(user, 'enterprise_admin')
      ? [
          {
            key: 'mandates',
            label: t('desk.mandates'),
            children: (
              <Suspense fallback={<Spin />}>
                <MandatesTab principalType="enterprise" />
              </Suspense>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card title={t('desk.title')}>
      <Tabs activeKey={tab} onChange={(key) => void navigate(`/desk/${key}`)} items={items} destroyOnHidden />
    </Card>
  );
}

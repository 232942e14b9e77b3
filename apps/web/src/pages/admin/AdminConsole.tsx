import { Card, Empty, Tabs } from 'antd';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../../components/AppLayout';
import { hasRole } from '../../lib/auth';
import { marketSections } from './market';
import { reviewSections } from './review';
import { subsidySections } from './subsidy';
import { complianceDashboardSections } from './compliance-dashboard';

/**
 * The administrators' consoles (market operator, province / city / county authorities): one tab per
 * job at /admin/<key>/*, each section in its own folder (market/, subsidy/, review/).
 */
export default function AdminConsole() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const rest = useParams()['*'] ?? '';
  if (!user) return <Navigate to={`/login?next=/admin/${rest}`} replace />;
  if (!hasRole(user, 'platform_admin', 'authority_admin')) return <Navigate to="/error/403" replace />;
  const sections = [...marketSections, ...reviewSections, ...subsidySections, ...complianceDashboardSections].filter((s) => s.visible(user));
  const active = rest.split('/')[0] || sections[0]?.key;
  if (!sections.length)
    return (
      <Card title={t('nav.desk')}>
        <Empty />
      </Card>
    );
  return (
    <Card title={t('nav.desk')}>
      <Tabs
        activeKey={active}
        onChange={(key) => void navigate(`/admin/${key}`)}
        items={sections.map((s) => ({ key: s.key, label: t(s.label), children: s.element }))}
        destroyOnHidden
      />
    </Card>
  );
}

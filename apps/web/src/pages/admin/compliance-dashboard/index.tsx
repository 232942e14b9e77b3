import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import { registerArea } from '../../../i18n/area';
import { rankingsEn } from '../../../i18n/rankings.en';
import { rankingsZh } from '../../../i18n/rankings.zh';
import { hasRole } from '../../../lib/auth';
import type { AdminSection } from '../sections';

registerArea('rankings', rankingsZh, rankingsEn);

const ComplianceDashboard = lazy(() => import('./ComplianceDashboard'));

/** The authorities' compliance dashboard (P-REG, P-2Y, P-3Y) at /admin/compliance-dashboard. */
export const complianceDashboardSections: AdminSection[] = [
  {
    key: 'compliance-dashboard',
    label: 'rankings.dashboard.tab',
    visible: (user) => hasRole(user, 'authority_admin', 'platform_admin'),
    element: (
      <Suspense fallback={<Spin />}>
        <ComplianceDashboard />
      </Suspense>
    ),
  },
];

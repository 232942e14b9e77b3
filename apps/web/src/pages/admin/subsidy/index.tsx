import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import { hasRole } from '../../../lib/auth';
import type { AdminSection } from '../sections';
import './area';

const PoliciesSection = lazy(() => import('./PoliciesSection'));
const ReviewSection = lazy(() => import('./ReviewSection'));
const OrganizationsSection = lazy(() => import('./OrganizationsSection'));
const ComplianceSection = lazy(() => import('./ComplianceSection'));
const OutlookSection = lazy(() => import('./OutlookSection'));

const authorities = (user: Parameters<AdminSection['visible']>[0]) => hasRole(user, 'authority_admin', 'platform_admin');
const wrap = (node: React.ReactNode) => <Suspense fallback={<Spin />}>{node}</Suspense>;

/** The authorities' sections: subsidy policies, their budget outlook, review and settlement, organisations and users, compliance. */
export const subsidySections: AdminSection[] = [
  { key: 'policies', label: 'authority.tabs.policies', visible: authorities, element: wrap(<PoliciesSection />) },
  { key: 'outlook', label: 'outlook.tab', visible: (user) => hasRole(user, 'authority_admin'), element: wrap(<OutlookSection />) },
  { key: 'subsidies', label: 'authority.tabs.review', visible: authorities, element: wrap(<ReviewSection />) },
  { key: 'organizations', label: 'authority.tabs.organizations', visible: authorities, element: wrap(<OrganizationsSection />) },
  { key: 'compliance', label: 'authority.tabs.compliance', visible: authorities, element: wrap(<ComplianceSection />) },
];

import { lazy, Suspense } from 'react';
import { Skeleton } from 'antd';
import type { AdminSection } from '../sections';
import { hasRole } from '../../../lib/auth';
import './texts';

const SessionsTab = lazy(() => import('./SessionsTab'));
const ConsoleTab = lazy(() => import('./ConsoleTab'));
const ContractsTab = lazy(() => import('./ContractsTab'));

const load = (node: React.ReactNode) => <Suspense fallback={<Skeleton active />}>{node}</Suspense>;
const operator = (user: Parameters<AdminSection['visible']>[0]) => hasRole(user, 'platform_admin');

/** The market operator's sections: themed sessions and lots, the auctioneer console, contracts. */
export const marketSections: AdminSection[] = [
  { key: 'sessions', label: 'market.tabs.sessions', visible: operator, element: load(<SessionsTab />) },
  { key: 'console', label: 'market.tabs.console', visible: operator, element: load(<ConsoleTab />) },
  { key: 'contracts', label: 'market.tabs.contracts', visible: operator, element: load(<ContractsTab />) },
];

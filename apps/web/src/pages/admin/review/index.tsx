import { hasRole } from '../../../lib/auth';
import type { AdminSection } from '../sections';
import { JustificationReview } from './JustificationReview';

/** Justification review (正当理由审核): the operator and the authorities (each its own region, as the API filters). */
export const reviewSections: AdminSection[] = [
  {
    key: 'justifications',
    label: 'review.tab',
    visible: (user) => hasRole(user, 'platform_admin', 'authority_admin'),
    element: <JustificationReview />,
  },
];

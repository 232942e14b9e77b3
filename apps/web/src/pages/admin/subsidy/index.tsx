import type { AdminSection } from '../sections';

/** The authorities' sections: subsidy policies, review and settlement, organisations and users, compliance. */
export const subsidySections: AdminSection[] = [];

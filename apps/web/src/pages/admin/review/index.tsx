import type { AdminSection } from '../sections';

/** Justification review (正当理由审核). */
export const reviewSections: AdminSection[] = [];

import type { ReactNode } from 'react';
import type { User } from '../../lib/auth';

/** One tab of the administrators' console, at /admin/<key>/*; shown only to the roles that may use it. */
export interface AdminSection {
  key: string;
  /** an i18n key */
  label: string;
  visible: (user: User) => boolean;
  element: ReactNode;
}

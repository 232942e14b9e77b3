import type { FormInstance } from 'antd';
import { ApiError } from '../../../api/client';

/**
 * The API's field errors next to the form's fields (`rename` maps an API field to the form's
 * name); false when none of them is a field of this form (then show the error as a whole).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function showFieldErrors(form: FormInstance<any>, err: unknown, rename: (field: string) => string = (f) => f): boolean {
  if (!(err instanceof ApiError)) return false;
  const fields = Object.entries(err.fieldErrors());
  if (!fields.length) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true) as object));
  const shown = fields.map(([field, message]) => ({ name: rename(field), errors: [message] })).filter((f) => known.has(f.name));
  form.setFields(shown);
  return shown.length > 0;
}

/** Today in Beijing as YYYY-MM-DD. */
export function beijingToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

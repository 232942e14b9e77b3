/**
 * The API client, generated from the API's OpenAPI document (schema.d.ts: `npm run web:api`), so
 * that a change to the API that the app does not follow fails the web build. Same origin: the API
 * serves this app. Every request carries the access token (refreshed when due, retried once after
 * a 401) and the user's language, so that error messages come back in Chinese or English.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import i18n from '../i18n';
import { accessToken, signOut } from '../lib/auth';
import type { paths } from './schema';

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { field: string; code: string; message: string }[];
  requestId?: string;
}

/** An error answer of the API (status + its body), or the server being unreachable (status 0, code NETWORK). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  get code(): string {
    return this.body.code;
  }
  /** field → message, for the form that sent the request */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.body.details ?? []).map((d) => [d.field, d.message]));
  }
}

const retried = new WeakSet<Request>();

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    request.headers.set('Accept', 'application/json');
    request.headers.set('Accept-Language', i18n.language === 'en' ? 'en' : 'zh-CN');
    retried.delete(request);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || !request.headers.has('Authorization') || retried.has(request)) return response;
    const token = await accessToken(true);
    if (!token) {
      signOut();
      return response;
    }
    const again = new Request(request, { headers: new Headers(request.headers) });
    again.headers.set('Authorization', `Bearer ${token}`);
    retried.add(again);
    return fetch(again);
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** Unwraps an openapi-fetch answer: its data, or throws ApiError. */
export async function call<T>(promise: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await promise;
  } catch {
    throw new ApiError(0, { code: 'NETWORK', message: i18n.t('errors.NETWORK') });
  }
  if (result.response.ok) return result.data as T;
  const body = (result.error ?? {}) as Partial<ApiErrorBody>;
  throw new ApiError(result.response.status, {
    code: body.code ?? `HTTP_${result.response.status}`,
    message: body.message ?? result.response.statusText,
    ...body,
  });
}

/** The message to show for an error: the app's own text for a code it knows, else the server's (already in the user's language). */
export function errorText(err: unknown): string {
  if (err instanceof ApiError)
    return i18n.exists(`errors.${err.code}`) ? i18n.t(`errors.${err.code}`) : err.body.message || i18n.t('errors.unknown', { code: err.code });
  return err instanceof Error ? err.message : String(err);
}

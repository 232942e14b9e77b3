import { lazy, Suspense } from 'react';
import { ApiError } from '../api/client';

// Ant Design's Result and its illustrations only when a page has an error to show
const ErrorPage = lazy(() => import('./ErrorPage').then((m) => ({ default: m.ErrorPage })));

/** The error page that fits an error of a query: unreachable, 401, 403 or 404. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const status = error instanceof ApiError ? error.status : 0;
  const kind = status === 0 ? 'offline' : status === 401 ? '401' : status === 403 ? '403' : '404';
  return (
    <Suspense fallback={null}>
      <ErrorPage kind={kind} onRetry={status === 0 || status >= 500 ? onRetry : undefined} />
    </Suspense>
  );
}

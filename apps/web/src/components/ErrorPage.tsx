import { Button, Result } from 'antd';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

type Kind = '401' | '403' | '404' | 'offline';

/** The page for a 401 / 403 / 404 and for the server being unreachable, with the way out. */
export function ErrorPage({ kind: given, onRetry }: { kind?: Kind; onRetry?: () => void }) {
  const { t } = useTranslation();
  const params = useParams();
  const kind = (given ?? params.kind ?? '404') as Kind;
  const status = kind === 'offline' ? 'warning' : kind === '401' ? '403' : kind;
  return (
    <Result
      status={status as '403' | '404' | 'warning'}
      title={t(`errorPage.${kind}`)}
      extra={[
        kind === '401' ? (
          <Link key="login" to="/login">
            <Button type="primary">{t('nav.login')}</Button>
          </Link>
        ) : null,
        onRetry ? (
          <Button key="retry" onClick={onRetry}>
            {t('errorPage.retry')}
          </Button>
        ) : null,
        <Link key="home" to="/">
          <Button>{t('errorPage.back')}</Button>
        </Link>,
      ]}
    />
  );
}

/** The error page that fits an error of a query: unreachable, 401, 403 or 404. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const status = error instanceof ApiError ? error.status : 0;
  const kind: Kind = status === 0 ? 'offline' : status === 401 ? '401' : status === 403 ? '403' : '404';
  return <ErrorPage kind={kind} onRetry={status === 0 || status >= 500 ? onRetry : undefined} />;
}

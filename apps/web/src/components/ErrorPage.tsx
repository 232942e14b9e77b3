import { Button, Result } from 'antd';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';

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

import { Alert, Card, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { QueryError } from '../components/ErrorPage';
import { LotCard } from '../components/LotCard';
import { beijingDateTime } from '../lib/format';

export default function SessionPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const session = useQuery({
    queryKey: ['session', id],
    queryFn: () => call(api.GET('/auction-sessions/{id}', { params: { path: { id } } })),
  });
  const lots = useQuery({
    queryKey: ['session-lots', id],
    queryFn: () => call(api.GET('/lots', { params: { query: { sessionId: id, limit: 100 } } })),
    refetchInterval: 10_000,
  });
  if (session.error) return <QueryError error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Skeleton active />;
  const items = [...(lots.data?.items ?? [])].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const live = items.find((l) => l.status === 'open');
  return (
    <div data-testid="session">
      <h2>{session.data.name}</h2>
      <div className="muted">{beijingDateTime(session.data.startsAt)}</div>
      {live ? (
        <Alert
          style={{ margin: '12px 0' }}
          type="error"
          showIcon
          message={
            <>
              {t('session.live')}：{live.title}
            </>
          }
        />
      ) : null}
      <div className="section-title">{t('session.lots')}</div>
      <div className="grid">
        {items.map((lot, i) => (
          <div key={lot.id}>
            <Tag>#{i + 1}</Tag>
            <LotCard lot={lot} />
          </div>
        ))}
      </div>
      {lots.isPending ? <Card loading /> : null}
    </div>
  );
}

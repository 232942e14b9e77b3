import { Alert, Card, Empty, Skeleton, Space, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { Countdown } from '../components/Countdown';
import { QueryError } from '../components/QueryError';
import { LotCard } from '../components/LotCard';
import { Money } from '../components/Money';
import { beijingDateTime, beijingTime } from '../lib/format';
import { useLotRoom } from '../lib/useLotRoom';
import { SessionResult } from './session/SessionResult';

/** The lot on the block: its price, the auctioneer's calls and every bid as it is made, online or on the floor (P-AUC). */
function OnTheBlock({ lotId }: { lotId: string }) {
  const { t } = useTranslation();
  const room = useLotRoom(lotId);
  if (!room.lot) return <Skeleton active />;
  const lot = room.lot;
  return (
    <Card
      size="small"
      title={
        <>
          {t('session.live')}：<Link to={`/lot/${lot.id}`}>{lot.title}</Link>
        </>
      }
      data-testid="on-the-block"
      style={{ margin: '12px 0' }}
    >
      <Space wrap size="large">
        <span className="price-big">
          <Money fen={lot.currentFen ?? lot.startingPriceFen} />
        </span>
        {lot.leader ? (
          <span>
            {t('lot.leader')}：{lot.leader}
          </span>
        ) : null}
        {lot.status === 'open' ? (
          <span>
            {t('lot.endsIn')} <Countdown until={lot.endsAt} />
          </span>
        ) : null}
      </Space>
      {room.calls.length ? (
        <Alert
          style={{ marginTop: 8 }}
          type="warning"
          showIcon
          data-testid="calls"
          message={`${t('session.calls')}：${room.calls.map((c) => t(`session.${c.call}`)).join(' ')}`}
        />
      ) : null}
      {room.closed ? (
        <Alert
          style={{ marginTop: 8 }}
          type="success"
          showIcon
          message={room.closed.result === 'sold' ? `${t('session.hammer')} ${t('lot.outcome.hammer')}：` : t('lot.outcome.unsold')}
          description={room.closed.hammerPriceFen ? <Money fen={room.closed.hammerPriceFen} strong /> : undefined}
        />
      ) : null}
      <div className="bid-list" style={{ maxHeight: 240, marginTop: 8 }} data-testid="session-bids">
        {room.bids.slice(0, 10).map((b) => (
          <div className="bid-row" key={b.seq} data-seq={b.seq}>
            <span>
              {b.bidder}
              {b.floor ? (
                <Tag color="purple" style={{ marginLeft: 4 }}>
                  {t('session.floor')}
                </Tag>
              ) : null}
              {b.proxy ? <Tag style={{ marginLeft: 4 }}>{t('lot.proxyTag')}</Tag> : null}
            </span>
            <Money fen={b.amountFen} />
            <span className="muted">{beijingTime(b.at)}</span>
          </div>
        ))}
      </div>
    </Card>
  );
}

export default function SessionPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const session = useQuery({
    queryKey: ['session', id],
    queryFn: () => call(api.GET('/auction-sessions/{id}', { params: { path: { id } } })),
    refetchInterval: 15_000,
  });
  const lots = useQuery({
    queryKey: ['session-lots', id],
    queryFn: () => call(api.GET('/lots', { params: { query: { sessionId: id, limit: 100 } } })),
    refetchInterval: 10_000,
  });
  if (session.error) return <QueryError error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Skeleton active />;
  // the session's order: by start, as the auctioneer calls them
  const items = [...(lots.data?.items ?? [])].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const live = items.find((l) => l.status === 'open');
  // closed once every lot of the session is closed (or cancelled): then its 成交结果 is published
  const closed = session.data.lots.length > 0 && session.data.lots.every((l) => l.status === 'closed' || l.status === 'cancelled');
  return (
    <div data-testid="session">
      <h2 style={{ marginBottom: 4 }}>{session.data.name}</h2>
      <div className="muted">
        {t(`enums.theme.${session.data.theme}`, { defaultValue: session.data.theme })} · {beijingDateTime(session.data.startsAt)}
      </div>
      {live ? <OnTheBlock lotId={live.id} /> : null}
      {closed ? <SessionResult sessionId={id} /> : null}
      <div className="section-title">{t('session.lots')}</div>
      {lots.isPending ? (
        <Skeleton active />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <div className="grid">
          {items.map((lot, i) => (
            <div key={lot.id}>
              <Tag color={lot.id === live?.id ? 'red' : 'default'}>#{i + 1}</Tag>
              <LotCard lot={lot} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

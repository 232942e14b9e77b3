import { lazy, Suspense, useState } from 'react';
import { Alert, Button, Descriptions, Empty, Skeleton, Space, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api/client';
import type { Increment, LotView } from '../api/types';
import { useCurrentUser } from '../components/AppLayout';
import { Countdown } from '../components/Countdown';
import { QueryError } from '../components/QueryError';
import { Appraisal } from '../components/Appraisal';
import { Money } from '../components/Money';
import { hasRole } from '../lib/auth';
import { beijingDateTime, beijingTime, yuan } from '../lib/format';
import { incrementAt, nextMinimumFen } from '../lib/increment';
import { sendBid, useLotRoom } from '../lib/useLotRoom';

const RegisterButton = lazy(() => import('./lot/BidderPanel').then((m) => ({ default: m.RegisterButton })));
const BidBox = lazy(() => import('./lot/BidderPanel').then((m) => ({ default: m.BidBox })));

const CONNECTION_COLORS = { connected: '#52c41a', connecting: '#1677ff', reconnecting: '#faad14', offline: '#ff4d4f' } as const;

function IncrementText({ increment }: { increment: Increment }) {
  const { t } = useTranslation();
  if (increment.kind === 'fixed') return <Money fen={increment.amountFen} />;
  return <span>{(increment.bands ?? []).map((b) => `≥ ${yuan(b.fromFen, t('money.yuan'))}: +${yuan(b.incrementFen, t('money.yuan'))}`).join('；')}</span>;
}

function LotRules({ lot }: { lot: LotView }) {
  const { t } = useTranslation();
  return (
    <div className="plain-card" data-testid="lot-rules">
      <div className="card-head">{t('lot.rulesTitle')}</div>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('lot.startingPrice')}>
          <Money fen={lot.startingPriceFen} />
        </Descriptions.Item>
        <Descriptions.Item label={t('appraisal.label')}>
          <Appraisal appraisal={lot.appraisal} priceFen={lot.startingPriceFen} />
        </Descriptions.Item>
        <Descriptions.Item label={t('lot.increment')}>
          <IncrementText increment={lot.increment} />
        </Descriptions.Item>
        <Descriptions.Item label={t('lot.deposit')}>
          <Money fen={lot.depositFen} />
        </Descriptions.Item>
        <Descriptions.Item label={t('lot.extension')}>
          {t('lot.extensionRule', { minutes: lot.extensionMinutes })}
          {lot.extensionCapMinutes !== null ? t('lot.extensionCap', { cap: lot.extensionCapMinutes }) : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('lot.reserve')}>{lot.hasReserve ? t('lot.reservePresent') : t('lot.reserveAbsent')}</Descriptions.Item>
        <Descriptions.Item label={t('lot.proxyAllowed')}>{lot.proxyAllowed ? t('lot.proxyYes') : t('lot.proxyNo')}</Descriptions.Item>
        <Descriptions.Item label={t('lot.startsAt')}>{beijingDateTime(lot.startsAt)}</Descriptions.Item>
      </Descriptions>
    </div>
  );
}

export default function LotPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<{ type: 'success' | 'error' | 'info'; text: string } | null>(null);
  const bidder = hasRole(user, 'enterprise_admin', 'enterprise_member');
  const registration = useQuery({
    queryKey: ['registration', id, user?.id],
    enabled: bidder,
    queryFn: async () => {
      try {
        return await call(api.GET('/lots/{id}/registrations/mine', { params: { path: { id } } }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    refetchInterval: (q) => (q.state.data && q.state.data.depositStatus !== 'held' ? 2_000 : false),
  });
  // a registered bidder (or one whose registration is still loading) keeps socket.io, on which bids
  // go; every other visitor watches over the lighter read-only feed (same events, same seqs)
  const room = useLotRoom(id, bidder && (registration.isPending || registration.data) ? 'socket' : 'feed');

  if (room.error) return <QueryError error={room.error} onRetry={() => void room.reloadLot()} />;
  const lot = room.lot;
  if (!lot) return <Skeleton active />;

  const nextMin = nextMinimumFen(lot.startingPriceFen, lot.currentFen, lot.increment);
  const open = lot.status === 'open';
  const finished = room.closed !== null || ['closed', 'sold', 'unsold', 'cancelled'].includes(lot.status);
  const result = room.closed?.result ?? (lot.result as 'sold' | 'unsold' | null);
  const hammer = room.closed?.hammerPriceFen ?? lot.hammerPriceFen;
  const me = registration.data?.pseudonym;

  const bid = async (amount: bigint, max: bigint | null) => {
    setNotice(null);
    const outcome = await sendBid(lot.id, amount, max, () => setNotice({ type: 'info', text: t('lot.resending') }));
    if (outcome.ack.status === 'accepted') setNotice({ type: 'success', text: t('lot.bidAccepted', { amount: yuan(amount, t('money.yuan')) }) });
    else {
      const code = outcome.ack.code ?? 'unknown';
      const reason = t(`errors.${code}`, { defaultValue: (outcome.ack.message as string | undefined) ?? t('lot.rejectedUnknown') });
      setNotice({ type: 'error', text: t('lot.bidRejected', { reason }) });
    }
  };

  return (
    <div data-testid="lot-room">
      <Space wrap style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>{lot.title}</h2>
        <Tag color={open ? 'red' : 'default'} data-testid="lot-status">
          {t(`status.lot.${lot.status}`, { defaultValue: lot.status })}
        </Tag>
        <span className="status-dot">
          <i style={{ background: CONNECTION_COLORS[room.connection] }} />
          <span data-testid="connection">{t(`lot.connection.${room.connection}`)}</span>
        </span>
        {room.watchers !== null ? (
          <span className="muted" data-testid="watchers">
            {t('lot.watchers', { count: room.watchers })}
          </span>
        ) : null}
      </Space>
      <div className="muted" style={{ marginBottom: 12 }}>
        <Link to={`/achievement/${lot.achievementId}`}>{t('lot.details')}</Link>
        {lot.sessionId ? (
          <>
            {' '}
            · <Link to={`/session/${lot.sessionId}`}>{t('lot.session')}</Link>
          </>
        ) : null}
      </div>
      <div className="room">
        <div>
          <div className="plain-card" style={{ padding: 20 }}>
            {finished ? (
              <div className="outcome" data-testid="lot-outcome">
                <div className={`outcome-mark ${result === 'sold' ? 'sold' : ''}`}>{result === 'sold' ? '✓' : '—'}</div>
                <div className="outcome-title">
                  {result === 'sold' ? t('lot.outcome.sold') : result === 'unsold' ? t('lot.outcome.unsold') : t('lot.outcome.closed')}
                </div>
                {result === 'sold' ? (
                  <div className="muted">
                    {t('lot.outcome.hammer')}：<Money fen={hammer} strong /> {room.closed?.winner ?? lot.winner ?? ''}
                  </div>
                ) : null}
              </div>
            ) : (
              <>
                <div className="muted">{lot.currentFen ? t('lot.currentPrice') : t('lot.startingPrice')}</div>
                <div className="price-big" data-testid="current-price">
                  {yuan(lot.currentFen ?? lot.startingPriceFen, t('money.yuan'))}
                </div>
                <Space wrap>
                  {lot.leader ? (
                    <span data-testid="leader">
                      {t('lot.leader')}：{lot.leader}
                      {lot.leader === me ? t('lot.you') : ''}
                    </span>
                  ) : null}
                  <span>
                    {open ? t('lot.endsIn') : t('lot.startsIn')} <Countdown until={open ? lot.endsAt : lot.startsAt} onZero={() => void room.reloadLot()} />
                  </span>
                  <span className="muted">（{beijingTime(open ? lot.endsAt : lot.startsAt)}）</span>
                  {room.extendedTo || lot.endsAt !== lot.originalEndsAt ? (
                    <Tag color="orange" data-testid="extended">
                      {t('lot.extendedBadge')}
                    </Tag>
                  ) : null}
                </Space>
                {room.extendedTo ? (
                  <Alert style={{ marginTop: 8 }} type="warning" showIcon message={t('lot.extended', { time: beijingTime(room.extendedTo) })} />
                ) : null}
                {room.calls.length ? <Alert style={{ marginTop: 8 }} type="info" message={room.calls.map((c) => t(`session.${c.call}`)).join(' ')} /> : null}
                <div style={{ margin: '12px 0 4px' }}>
                  {t('lot.nextMinimum')}：<strong data-testid="next-minimum">{yuan(nextMin, t('money.yuan'))}</strong>
                  <span className="muted">（+{yuan(lot.currentFen ? incrementAt(lot.increment, BigInt(lot.currentFen)) : 0n, t('money.yuan'))}）</span>
                </div>
                {!user ? (
                  <Link to={`/login?next=/lot/${lot.id}`}>
                    <Button block size="large">
                      {t('lot.signInToBid')}
                    </Button>
                  </Link>
                ) : !bidder ? null : registration.isPending ? (
                  <Skeleton.Button active block />
                ) : !registration.data ? (
                  <Suspense fallback={<Skeleton.Button active block />}>
                    <RegisterButton lot={lot} onDone={() => void queryClient.invalidateQueries({ queryKey: ['registration', id] })} />
                  </Suspense>
                ) : registration.data.depositStatus !== 'held' ? (
                  <Alert
                    type="info"
                    message={t('lot.registered', {
                      status: t(`status.deposit.${registration.data.depositStatus}`, { defaultValue: registration.data.depositStatus }),
                    })}
                  />
                ) : open ? (
                  <Suspense fallback={<Skeleton.Button active block />}>
                    <BidBox lot={lot} nextMin={nextMin} onBid={bid} />
                  </Suspense>
                ) : (
                  <Alert type="success" message={t('lot.registered', { status: t('status.deposit.held') })} />
                )}
                {notice ? <Alert style={{ marginTop: 8 }} type={notice.type} showIcon message={notice.text} data-testid="bid-notice" /> : null}
              </>
            )}
          </div>
          <div style={{ marginTop: 12 }}>
            <LotRules lot={lot} />
          </div>
        </div>
        <div className="plain-card">
          <div className="card-head">{`${t('lot.history')}（${lot.bidCount}）`}</div>
          {room.bids.length === 0 ? (
            <Empty description={t('lot.noBids')} />
          ) : (
            <div className="bid-list" data-testid="bid-history">
              {room.bids.map((b) => (
                <div className="bid-row" key={b.seq} data-seq={b.seq}>
                  <span className="muted">#{b.seq}</span>
                  <span>
                    {b.bidder}
                    {b.bidder === me ? t('lot.you') : ''}
                    {b.proxy ? <Tag style={{ marginLeft: 4 }}>{t('lot.proxyTag')}</Tag> : null}
                    {b.floor ? (
                      <Tag color="purple" style={{ marginLeft: 4 }}>
                        {t('lot.floorTag')}
                      </Tag>
                    ) : null}
                  </span>
                  <Money fen={b.amountFen} />
                  <span className="muted">{beijingTime(b.at)}</span>
                </div>
              ))}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

import { useState } from 'react';
import { Alert, Badge, Button, Card, Descriptions, Empty, InputNumber, Modal, Radio, Result, Skeleton, Space, Tag, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, errorText } from '../api/client';
import type { Increment, LotView } from '../api/types';
import { useCurrentUser } from '../components/AppLayout';
import { Countdown } from '../components/Countdown';
import { QueryError } from '../components/ErrorPage';
import { Money } from '../components/Money';
import { hasRole } from '../lib/auth';
import { beijingDateTime, beijingTime, fenFromYuan, yuan } from '../lib/format';
import { incrementAt, nextMinimumFen } from '../lib/increment';
import { sendBid, useLotRoom } from '../lib/useLotRoom';

const CONNECTION_COLORS = { connected: 'success', connecting: 'processing', reconnecting: 'warning', offline: 'error' } as const;

function IncrementText({ increment }: { increment: Increment }) {
  const { t } = useTranslation();
  if (increment.kind === 'fixed') return <Money fen={increment.amountFen} />;
  return <span>{(increment.bands ?? []).map((b) => `≥ ${yuan(b.fromFen, t('money.yuan'))}: +${yuan(b.incrementFen, t('money.yuan'))}`).join('；')}</span>;
}

function LotRules({ lot }: { lot: LotView }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('lot.rulesTitle')} data-testid="lot-rules">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('lot.startingPrice')}>
          <Money fen={lot.startingPriceFen} />
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
    </Card>
  );
}

function RegisterButton({ lot, onDone }: { lot: LotView; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState('pm_card_visa');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await call(api.POST('/lots/{id}/registrations', { params: { path: { id: lot.id } }, body: { paymentMethod: method } }));
      setOpen(false);
      onDone();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" block size="large" onClick={() => setOpen(true)} data-testid="register">
        {t('lot.register')}（{t('lot.deposit')} {yuan(lot.depositFen, t('money.yuan'))}）
      </Button>
      <Modal
        open={open}
        title={t('lot.register')}
        onOk={() => void submit()}
        confirmLoading={busy}
        onCancel={() => setOpen(false)}
        okButtonProps={{ 'data-testid': 'pay-deposit' } as never}
      >
        <p>{t('lot.registerToBid')}</p>
        <Radio.Group value={method} onChange={(e) => setMethod(e.target.value as string)}>
          <Space direction="vertical">
            <Radio value="pm_card_visa">银行卡 Card</Radio>
            <Radio value="pm_alipay">支付宝 Alipay</Radio>
            <Radio value="pm_wechat_pay">微信支付 WeChat Pay</Radio>
          </Space>
        </Radio.Group>
      </Modal>
    </>
  );
}

function BidBox({ lot, nextMin, onBid }: { lot: LotView; nextMin: bigint; onBid: (amount: bigint, max: bigint | null) => Promise<void> }) {
  const { t } = useTranslation();
  const [custom, setCustom] = useState<number | null>(null);
  const [proxy, setProxy] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (amount: bigint | null, max: bigint | null) => {
    if (amount === null) return;
    setBusy(true);
    try {
      await onBid(amount, max);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="bid-box">
      <Button type="primary" size="large" block loading={busy} data-testid="bid-next" onClick={() => void run(nextMin, null)}>
        {t('lot.bidNext', { amount: yuan(nextMin, t('money.yuan')) })}
      </Button>
      <Space.Compact style={{ width: '100%' }}>
        <InputNumber
          style={{ width: '100%' }}
          min={0}
          precision={2}
          value={custom}
          onChange={setCustom}
          placeholder={t('lot.customAmount')}
          data-testid="bid-amount"
        />
        <Button disabled={busy || custom === null} onClick={() => void run(fenFromYuan(custom), null)} data-testid="bid-custom">
          {t('lot.placeBid')}
        </Button>
      </Space.Compact>
      {lot.proxyAllowed ? (
        <>
          <Space.Compact style={{ width: '100%' }}>
            <InputNumber
              style={{ width: '100%' }}
              min={0}
              precision={2}
              value={proxy}
              onChange={setProxy}
              placeholder={t('lot.proxyMax')}
              data-testid="proxy-max"
            />
            <Button disabled={busy || proxy === null} onClick={() => void run(nextMin, fenFromYuan(proxy))} data-testid="set-proxy">
              {t('lot.setProxy')}
            </Button>
          </Space.Compact>
          <div className="muted">{t('lot.proxyHelp')}</div>
        </>
      ) : null}
    </Space>
  );
}

export default function LotPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const room = useLotRoom(id);
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
        <Badge status={CONNECTION_COLORS[room.connection]} text={<span data-testid="connection">{t(`lot.connection.${room.connection}`)}</span>} />
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
          <Card>
            {finished ? (
              <Result
                data-testid="lot-outcome"
                status={result === 'sold' ? 'success' : 'info'}
                title={result === 'sold' ? t('lot.outcome.sold') : result === 'unsold' ? t('lot.outcome.unsold') : t('lot.outcome.closed')}
                subTitle={
                  result === 'sold' ? (
                    <>
                      {t('lot.outcome.hammer')}：<Money fen={hammer} strong /> {room.closed?.winner ?? lot.winner ?? ''}
                    </>
                  ) : undefined
                }
              />
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
                  <RegisterButton lot={lot} onDone={() => void queryClient.invalidateQueries({ queryKey: ['registration', id] })} />
                ) : registration.data.depositStatus !== 'held' ? (
                  <Alert
                    type="info"
                    message={t('lot.registered', {
                      status: t(`status.deposit.${registration.data.depositStatus}`, { defaultValue: registration.data.depositStatus }),
                    })}
                  />
                ) : open ? (
                  <BidBox lot={lot} nextMin={nextMin} onBid={bid} />
                ) : (
                  <Alert type="success" message={t('lot.registered', { status: t('status.deposit.held') })} />
                )}
                {notice ? <Alert style={{ marginTop: 8 }} type={notice.type} showIcon message={notice.text} data-testid="bid-notice" /> : null}
              </>
            )}
          </Card>
          <div style={{ marginTop: 12 }}>
            <LotRules lot={lot} />
          </div>
        </div>
        <Card size="small" title={`${t('lot.history')}（${lot.bidCount}）`}>
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
        </Card>
      </div>
    </div>
  );
}

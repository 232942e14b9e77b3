import { useEffect, useRef, useState, type ComponentRef } from 'react';
import { Alert, Button, Card, Col, Empty, Form, Input, InputNumber, List, Modal, Popconfirm, Row, Select, Space, Table, Tag, message } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call, errorText } from '../../../api/client';
import type { components } from '../../../api/schema';
import { Countdown } from '../../../components/Countdown';
import { Money } from '../../../components/Money';
import { beijingTime, fenFromYuan, yuan, yuanNumber } from '../../../lib/format';
import { nextMinimumFen } from '../../../lib/increment';
import { useLotRoom } from '../../../lib/useLotRoom';
import { currentLot, useLiveSession, type SessionLot } from './live-session';

type Paddle = components['schemas']['LotRegistrationDto'];

/** The paddles of the lot: who holds each (the auctioneer sees the organisations), and a floor bidder registered on the spot. */
function Paddles({ lotId, seq, onChange }: { lotId: string; seq: number; onChange: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ organizationId: string; bankReference: string }>();
  const paddles = useQuery({
    queryKey: ['lot-paddles', lotId, seq],
    queryFn: () => call(api.GET('/lots/{id}/registrations', { params: { path: { id: lotId }, query: { limit: 100 } } })),
  });
  const enterprises = useQuery({
    queryKey: ['enterprises'],
    // the organisations list is typed by the identity context; only id and name are read here
    queryFn: async () =>
      (await call(api.GET('/organizations', { params: { query: { type: 'enterprise', limit: 100 } } }))) as unknown as {
        items: { id: string; name: string }[];
      },
  });
  const register = useMutation({
    mutationFn: (v: { organizationId: string; bankReference: string }) =>
      call(api.POST('/lots/{id}/offline-registrations', { params: { path: { id: lotId } }, body: v })),
    onSuccess: (r) => {
      void message.success(t('market.console.registered', { paddle: r.paddleNumber }));
      form.resetFields();
      void paddles.refetch();
      onChange();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <Card size="small" title={t('market.console.paddles')}>
      <Table<Paddle>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={paddles.data?.items ?? []}
        data-testid="paddles"
        columns={[
          { key: 'paddle', title: t('market.console.paddle'), render: (_, p) => <strong>{p.paddleNumber}</strong> },
          { key: 'org', title: t('market.console.org'), dataIndex: 'organizationName' },
          {
            key: 'mode',
            title: '',
            render: (_, p) => (p.offline ? <Tag color="purple">{t('market.console.floor')}</Tag> : <Tag color="blue">{t('market.console.online')}</Tag>),
          },
          { key: 'deposit', title: t('market.console.deposit'), render: (_, p) => t(`market.deposit.${p.depositStatus}`) },
        ]}
      />
      <Form form={form} layout="inline" style={{ marginTop: 8, rowGap: 8 }} onFinish={(v) => register.mutate(v)}>
        <Form.Item name="organizationId" rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ width: 220 }}
            placeholder={t('market.console.enterprise')}
            options={(enterprises.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
            data-testid="floor-org"
          />
        </Form.Item>
        <Form.Item name="bankReference" rules={[{ required: true, min: 3 }]}>
          <Input placeholder={t('market.console.bankReference')} style={{ width: 200 }} data-testid="floor-bank-ref" />
        </Form.Item>
        <Button htmlType="submit" loading={register.isPending} data-testid="floor-register">
          {t('market.console.registerFloor')}
        </Button>
      </Form>
    </Card>
  );
}

/** The lot on the block: price, leader (online or floor), floor bids by paddle, calls, hammer, withdrawal. */
function LotDesk({ lotId }: { lotId: string }) {
  const { t } = useTranslation();
  const room = useLotRoom(lotId);
  const paddleRef = useRef<ComponentRef<typeof InputNumber>>(null);
  const amountRef = useRef<ComponentRef<typeof InputNumber>>(null);
  const [paddle, setPaddle] = useState<number | null>(null);
  const [amount, setAmount] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const [paddleVersion, setPaddleVersion] = useState(0);
  const lot = room.lot;
  const paddles = useQuery({
    queryKey: ['lot-paddles', lotId, (lot?.seq ?? 0) + paddleVersion * 1e9],
    enabled: !!lot,
    queryFn: () => call(api.GET('/lots/{id}/registrations', { params: { path: { id: lotId }, query: { limit: 100 } } })),
  });
  const nextMin = lot ? nextMinimumFen(lot.startingPriceFen, lot.currentFen, lot.increment) : null;
  useEffect(() => {
    paddleRef.current?.focus();
  }, [lotId]);

  const floorBid = useMutation({
    mutationFn: (v: { paddleNumber: number; amountFen: bigint }) =>
      call(api.POST('/lots/{id}/floor-bids', { params: { path: { id: lotId } }, body: { paddleNumber: v.paddleNumber, amountFen: v.amountFen.toString() } })),
    onSuccess: (r, v) => {
      if (r.status === 'accepted') {
        setOutcome({ ok: true, text: t('market.console.accepted', { paddle: v.paddleNumber, amount: yuan(v.amountFen, t('money.yuan')) }) });
        setPaddle(null);
        setAmount(null);
        paddleRef.current?.focus();
      } else {
        const reasonText = t(`errors.${r.code ?? 'unknown'}`, { defaultValue: r.code ?? '', code: r.code });
        setOutcome({ ok: false, text: t('market.console.rejected', { reason: reasonText }) });
        amountRef.current?.focus();
      }
    },
    onError: (err) => setOutcome({ ok: false, text: errorText(err) }),
  });
  const submitFloorBid = () => {
    const fen = amount === null ? nextMin : fenFromYuan(amount);
    if (paddle === null) return paddleRef.current?.focus();
    if (fen === null) return amountRef.current?.focus();
    floorBid.mutate({ paddleNumber: paddle, amountFen: fen });
  };
  const announce = useMutation({
    mutationFn: (c: 'going_once' | 'going_twice') => call(api.POST('/lots/{id}/calls', { params: { path: { id: lotId } }, body: { call: c } })),
    onError: (err) => void message.error(errorText(err)),
  });
  const hammer = useMutation({
    mutationFn: () => call(api.POST('/lots/{id}/hammer', { params: { path: { id: lotId } } })),
    onSuccess: () => void message.success(t('market.console.hammered')),
    onError: (err) => void message.error(errorText(err)),
  });
  const withdraw = useMutation({
    mutationFn: () => call(api.POST('/lots/{id}/withdraw', { params: { path: { id: lotId } }, body: { reason } })),
    onSuccess: () => {
      setWithdrawing(false);
      void message.success(t('market.console.withdrawn'));
    },
    onError: (err) => void message.error(errorText(err)),
  });

  if (!lot) return <Card loading />;
  const open = lot.status === 'open' && !room.closed;
  const leader = paddles.data?.items.find((p) => p.leading);
  const leaderText = lot.leader ? `${lot.leader}${leader ? ` · ${leader.organizationName}` : ''}` : t('market.console.noLeader');
  const closedResult = room.closed ? (room.closed.withdrawn ? 'withdrawn' : room.closed.result) : lot.status === 'closed' ? (lot.result ?? 'unsold') : null;

  return (
    <Row gutter={12}>
      <Col xs={24} lg={14}>
        <Card
          size="small"
          title={
            <Space>
              <Tag color={open ? 'red' : 'default'}>{open ? t('market.console.onBlock') : t(`market.console.statuses.${lot.status}`)}</Tag>
              <span data-testid="console-lot-title">{lot.title}</span>
            </Space>
          }
          extra={room.watchers !== null ? <span className="muted">{t('market.console.watchers', { n: room.watchers })}</span> : null}
          data-testid="console-lot"
        >
          <Space size="large" wrap align="start">
            <div>
              <div className="muted">{lot.currentFen ? t('market.console.current') : t('market.console.starting')}</div>
              <div className="price-big" data-testid="console-price">
                <Money fen={lot.currentFen ?? lot.startingPriceFen} />
              </div>
            </div>
            <div>
              <div className="muted">{t('market.console.leader')}</div>
              <div style={{ fontSize: 20 }} data-testid="console-leader">
                {leaderText}{' '}
                {leader ? leader.offline ? <Tag color="purple">{t('market.console.floor')}</Tag> : <Tag color="blue">{t('market.console.online')}</Tag> : null}
              </div>
            </div>
            {open ? (
              <div>
                <div className="muted">{t('market.console.next')}</div>
                <div style={{ fontSize: 20 }} data-testid="console-next">
                  <Money fen={nextMin} />
                </div>
              </div>
            ) : null}
            {open ? (
              <div>
                <div className="muted">{t('market.console.backstop')}</div>
                <Countdown until={lot.endsAt} onZero={() => void room.reloadLot()} />
              </div>
            ) : null}
          </Space>
          {closedResult ? (
            <Alert
              style={{ marginTop: 12 }}
              type={closedResult === 'sold' ? 'success' : 'warning'}
              showIcon
              data-testid="console-result"
              message={
                <span>
                  {t(`market.console.result.${closedResult}`)}
                  {closedResult === 'sold' ? (
                    <>
                      {' '}
                      <Money fen={room.closed?.hammerPriceFen ?? lot.hammerPriceFen} strong /> · {room.closed?.winner ?? lot.winner}
                    </>
                  ) : null}
                </span>
              }
            />
          ) : null}
          {open ? (
            <>
              <div className="section-title" style={{ marginTop: 12 }}>
                {t('market.console.floorBid')}
              </div>
              <Space wrap data-testid="floor-bid">
                <InputNumber
                  ref={paddleRef}
                  min={1}
                  max={100000}
                  precision={0}
                  value={paddle}
                  onChange={(v) => setPaddle(v)}
                  placeholder={t('market.console.paddle')}
                  onPressEnter={() => amountRef.current?.focus()}
                  style={{ width: 110 }}
                  size="large"
                  data-testid="floor-paddle"
                />
                <InputNumber
                  ref={amountRef}
                  min={0}
                  precision={2}
                  value={amount}
                  onChange={(v) => setAmount(v)}
                  placeholder={nextMin !== null ? String(yuanNumber(nextMin)) : t('market.console.amount')}
                  onPressEnter={submitFloorBid}
                  style={{ width: 200 }}
                  size="large"
                  data-testid="floor-amount"
                />
                <Button size="large" type="primary" onClick={submitFloorBid} loading={floorBid.isPending} data-testid="floor-submit">
                  {t('market.console.floorBid')}
                </Button>
              </Space>
              <div className="muted">{t('market.console.enterHint')}</div>
              {outcome ? (
                <Alert style={{ marginTop: 8 }} type={outcome.ok ? 'success' : 'error'} showIcon message={outcome.text} data-testid="floor-outcome" />
              ) : null}
              <Space wrap style={{ marginTop: 16 }}>
                <Button size="large" onClick={() => announce.mutate('going_once')} data-testid="call-once">
                  {t('market.console.goingOnce')}
                </Button>
                <Button size="large" onClick={() => announce.mutate('going_twice')} data-testid="call-twice">
                  {t('market.console.goingTwice')}
                </Button>
                <Popconfirm
                  title={t('market.console.hammer')}
                  description={
                    lot.currentFen
                      ? t('market.console.hammerConfirm', { amount: yuan(lot.currentFen, t('money.yuan')), leader: leaderText })
                      : t('market.console.hammerUnsold')
                  }
                  okText={t('market.console.hammer')}
                  okButtonProps={{ danger: true, id: 'hammer-confirm' }}
                  onConfirm={() => hammer.mutate()}
                >
                  <Button size="large" danger type="primary" data-testid="hammer">
                    {t('market.console.hammer')}
                  </Button>
                </Popconfirm>
                <Button size="large" onClick={() => setWithdrawing(true)} data-testid="withdraw">
                  {t('market.console.withdraw')}
                </Button>
              </Space>
              {room.calls.length ? (
                <div className="muted" style={{ marginTop: 8 }} data-testid="console-calls">
                  {room.calls.map((c) => t(`market.console.call.${c.call}`)).join(' ')}
                </div>
              ) : null}
            </>
          ) : null}
        </Card>
        <Modal
          open={withdrawing}
          title={t('market.console.withdrawConfirm')}
          okText={t('market.console.withdraw')}
          okButtonProps={{ danger: true, disabled: reason.trim().length < 2, loading: withdraw.isPending }}
          onOk={() => withdraw.mutate()}
          onCancel={() => setWithdrawing(false)}
        >
          <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('market.console.withdrawReason')} maxLength={500} />
        </Modal>
        <div style={{ marginTop: 12 }}>
          <Paddles lotId={lotId} seq={lot.seq} onChange={() => setPaddleVersion((v) => v + 1)} />
        </div>
      </Col>
      <Col xs={24} lg={10}>
        <Card size="small" title={t('market.console.bids')}>
          <div className="bid-list" style={{ maxHeight: 480 }} data-testid="console-bids">
            {room.bids.map((b) => (
              <div className="bid-row" key={b.seq} data-seq={b.seq}>
                <span>
                  #{b.seq} {b.bidder} {b.floor ? <Tag color="purple">{t('market.console.floor')}</Tag> : <Tag color="blue">{t('market.console.online')}</Tag>}
                  {b.proxy ? <Tag>{t('lot.proxyTag')}</Tag> : null}
                </span>
                <Money fen={b.amountFen} />
                <span className="muted">{beijingTime(b.at)}</span>
              </div>
            ))}
          </div>
        </Card>
      </Col>
    </Row>
  );
}

function SessionConsole({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const session = useLiveSession(sessionId);
  const openLot = useMutation({
    mutationFn: (lot: SessionLot) => call(api.POST('/lots/{id}/open', { params: { path: { id: lot.id } } })),
    onSuccess: (lot) => {
      void message.success(t('market.console.opened', { title: lot.title }));
      void session.refetch();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  if (session.error) return <Alert type="error" message={errorText(session.error)} />;
  if (!session.data) return <Card loading />;
  const lots = session.data.lots;
  const current = currentLot(lots);
  const onBlock = lots.some((l) => l.status === 'open');
  const nextUp = lots.find((l) => l.status === 'scheduled');
  return (
    <Row gutter={12} data-testid="auctioneer-console">
      <Col xs={24} lg={6}>
        <Card
          size="small"
          title={
            <Space direction="vertical" size={0}>
              <strong>{session.data.name}</strong>
              <span className="muted">{t('market.console.queue')}</span>
            </Space>
          }
          extra={
            <a href={`/hall/${sessionId}`} target="_blank" rel="noreferrer">
              {t('market.sessions.hall')}
            </a>
          }
        >
          <List
            size="small"
            dataSource={lots}
            data-testid="console-queue"
            renderItem={(l, i) => (
              <List.Item
                style={{ background: l.id === current?.id ? '#fff1f0' : undefined }}
                actions={
                  l.status === 'scheduled' && !onBlock
                    ? [
                        <Button
                          key="open"
                          size="small"
                          type={l.id === nextUp?.id ? 'primary' : 'default'}
                          onClick={() => openLot.mutate(l)}
                          loading={openLot.isPending && openLot.variables?.id === l.id}
                          data-testid={`open-lot-${i + 1}`}
                        >
                          {t('market.console.openLot')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={`#${i + 1} ${l.title}`}
                  description={
                    <span>
                      {l.result
                        ? t(`market.console.result.${l.unsoldReason === 'withdrawn' ? 'withdrawn' : l.result}`)
                        : t(`market.console.statuses.${l.status}`)}
                      {l.currentFen ? (
                        <>
                          {' · '}
                          <Money fen={l.currentFen} />
                        </>
                      ) : null}
                    </span>
                  }
                />
              </List.Item>
            )}
          />
          <div className="muted" style={{ marginTop: 8 }}>
            {t('market.console.statusRule')}
          </div>
        </Card>
      </Col>
      <Col xs={24} lg={18}>
        {current ? <LotDesk key={current.id} lotId={current.id} /> : <Empty description={t('market.console.nothingOpen')} />}
        {!onBlock && nextUp ? (
          // floor bidders of the next lot are registered before it opens
          <div style={{ marginTop: 12 }} data-testid="next-paddles">
            <div className="section-title">{t('market.console.nextUp', { title: nextUp.title })}</div>
            <Paddles key={nextUp.id} lotId={nextUp.id} seq={0} onChange={() => undefined} />
          </div>
        ) : null}
      </Col>
    </Row>
  );
}

/** 拍卖师控制台: pick a live session, then run it lot by lot (P-AUC: online and floor bids in one order). */
export default function ConsoleTab() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sessionId = (useParams()['*'] ?? '').split('/')[1];
  const sessions = useQuery({
    queryKey: ['console-sessions'],
    enabled: !sessionId,
    queryFn: () => call(api.GET('/auction-sessions/manage', { params: { query: { limit: 100, sort: 'startsAt', order: 'desc' } } })),
  });
  if (sessionId) return <SessionConsole sessionId={sessionId} />;
  const live = (sessions.data?.items ?? []).filter((s) => s.runMode === 'sequential');
  return (
    <Space direction="vertical">
      <span>{t('market.console.noSession')}</span>
      <Select
        style={{ width: 420 }}
        placeholder={t('market.console.pickSession')}
        options={live.map((s) => ({ value: s.id, label: `${s.name} · ${t(`enums.theme.${s.theme}`)}` }))}
        onChange={(id: string) => void navigate(`/admin/console/${id}`)}
      />
      <Link to="/admin/sessions">{t('market.tabs.sessions')}</Link>
    </Space>
  );
}

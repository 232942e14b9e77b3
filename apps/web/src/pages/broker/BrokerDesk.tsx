import { useState } from 'react';
import { Alert, Button, Card, InputNumber, Modal, Radio, Select, Space, Statistic, Table, Tabs, Tag, Typography, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import '../../i18n/broker';
import { api, call, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { useCurrentUser } from '../../components/AppLayout';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import { hasRole } from '../../lib/auth';
import { beijingDateTime, fenFromYuan } from '../../lib/format';
import { useServerTable } from '../../lib/useServerTable';
import { CommissionTerms, MandatesTable } from '../mandates/MandatesTab';

type BrokerLot = components['schemas']['BrokerLotDto'];
type BrokerDeal = components['schemas']['BrokerDealDto'];
type BrokerCommission = components['schemas']['BrokerCommissionDto'];
type Mandate = components['schemas']['MandateDto'];

/** Every request the broker makes for a principal names it: the API checks the mandate (README "Technology brokers"). */
const onBehalfOf = (principalOrganizationId: string) => ({ 'X-On-Behalf-Of': principalOrganizationId });

function LotsTab() {
  const { t } = useTranslation();
  const table = useServerTable();
  const client = useQueryClient();
  const [bidding, setBidding] = useState<BrokerLot | null>(null);
  const [amount, setAmount] = useState<number | null>(null);
  const [registering, setRegistering] = useState<BrokerLot | null>(null);
  const [method, setMethod] = useState('pm_card_visa');
  const lots = useQuery({ queryKey: ['broker-lots', table.query], queryFn: () => call(api.GET('/brokerage/lots', { params: { query: table.query } })) });
  if (lots.error) return <QueryError error={lots.error} onRetry={() => void lots.refetch()} />;
  const register = async () => {
    const l = registering;
    if (!l) return;
    try {
      await call(
        api.POST('/lots/{id}/registrations', {
          params: { path: { id: l.id } },
          headers: onBehalfOf(l.principalOrganizationId),
          body: BigInt(l.depositFen) > 0n ? { paymentMethod: method } : {},
        }),
      );
      void message.success(`${t('broker.act.registered')}：${l.principalName}`);
      setRegistering(null);
      void client.invalidateQueries({ queryKey: ['mandates'] });
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const bid = async () => {
    if (!bidding) return;
    const fen = fenFromYuan(amount);
    try {
      await call(
        api.POST('/lots/{id}/bids', {
          params: { path: { id: bidding.id } },
          headers: onBehalfOf(bidding.principalOrganizationId),
          body: { amountFen: (fen ?? 0n).toString(), idempotencyKey: crypto.randomUUID() },
        }),
      );
      void message.success(`${t('broker.act.bidPlaced')}：${bidding.principalName}`);
      setBidding(null);
      void client.invalidateQueries({ queryKey: ['broker-lots'] });
      void client.invalidateQueries({ queryKey: ['mandates'] });
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <>
      <Table<BrokerLot>
        rowKey={(l) => `${l.id}-${l.mandateId}`}
        loading={lots.isLoading}
        {...table.tableProps(lots.data)}
        columns={[
          { key: 'title', title: t('broker.lot.title'), render: (_, l) => <a href={`/lot/${l.id}`}>{l.title}</a> },
          { key: 'principal', title: t('broker.mandate.principal'), render: (_, l) => l.principalName },
          { key: 'status', title: t('broker.mandate.status'), render: (_, l) => <Tag>{t(`status.lot.${l.status}`, { defaultValue: l.status })}</Tag> },
          { key: 'current', title: t('broker.lot.current'), render: (_, l) => <Money fen={l.currentFen ?? l.startingPriceFen} /> },
          { key: 'deposit', title: t('broker.lot.deposit'), render: (_, l) => <Money fen={l.depositFen} /> },
          { key: 'endsAt', title: t('broker.lot.endsAt'), render: (_, l) => beijingDateTime(l.endsAt) },
          {
            key: 'act',
            title: t('broker.desk.actFor'),
            render: (_, l) =>
              l.permissions.includes('register_and_bid') && l.status !== 'closed' && l.status !== 'cancelled' ? (
                <Space>
                  <Button size="small" onClick={() => setRegistering(l)}>
                    {t('broker.act.register')}
                  </Button>
                  <Button size="small" type="primary" onClick={() => setBidding(l)}>
                    {t('broker.act.bid')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={!!registering}
        title={`${t('broker.act.register')} · ${registering?.principalName ?? ''}`}
        onCancel={() => setRegistering(null)}
        onOk={() => void register()}
      >
        <Typography.Paragraph>
          {registering?.title} · {t('broker.lot.deposit')} <Money fen={registering?.depositFen} />
        </Typography.Paragraph>
        {registering && BigInt(registering.depositFen) > 0n ? (
          <Radio.Group value={method} onChange={(e) => setMethod(e.target.value as string)}>
            <Radio value="pm_card_visa">银行卡 Card</Radio>
            <Radio value="pm_alipay">支付宝 Alipay</Radio>
            <Radio value="pm_wechat_pay">微信支付 WeChat Pay</Radio>
          </Radio.Group>
        ) : null}
      </Modal>
      <Modal open={!!bidding} title={`${t('broker.act.bid')} · ${bidding?.principalName ?? ''}`} onCancel={() => setBidding(null)} onOk={() => void bid()}>
        <Typography.Paragraph>{bidding?.title}</Typography.Paragraph>
        <InputNumber aria-label={t('broker.act.amount')} style={{ width: '100%' }} min={0} value={amount} onChange={(v) => setAmount(v)} />
      </Modal>
    </>
  );
}

function DealsTab() {
  const { t } = useTranslation();
  const table = useServerTable();
  const deals = useQuery({ queryKey: ['broker-deals', table.query], queryFn: () => call(api.GET('/brokerage/deals', { params: { query: table.query } })) });
  if (deals.error) return <QueryError error={deals.error} onRetry={() => void deals.refetch()} />;
  return (
    <Table<BrokerDeal>
      rowKey={(d) => `${d.id}-${d.mandateId}`}
      loading={deals.isLoading}
      {...table.tableProps(deals.data)}
      columns={[
        { key: 'achievement', title: t('broker.deal.achievement'), render: (_, d) => d.achievementTitle ?? d.achievementId },
        { key: 'principal', title: t('broker.mandate.principal'), render: (_, d) => d.principalName },
        { key: 'side', title: t('broker.deal.side'), render: (_, d) => t(`broker.deal.sideText.${d.side}`) },
        { key: 'price', title: t('broker.deal.price'), render: (_, d) => <Money fen={d.priceFen} /> },
        { key: 'concludedAt', title: t('broker.deal.concludedAt'), render: (_, d) => beijingDateTime(d.concludedAt) },
        {
          key: 'commission',
          title: t('broker.deal.commission'),
          render: (_, d) =>
            d.commissionFen ? <Money fen={d.commissionFen} /> : <Typography.Text type="secondary">{t('broker.deal.pending')}</Typography.Text>,
        },
      ]}
    />
  );
}

function CommissionsTab() {
  const { t } = useTranslation();
  const table = useServerTable();
  const rows = useQuery({
    queryKey: ['broker-commissions', table.query],
    queryFn: () => call(api.GET('/brokerage/commissions', { params: { query: table.query } })),
  });
  if (rows.error) return <QueryError error={rows.error} onRetry={() => void rows.refetch()} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Statistic title={t('broker.commission.sum')} valueRender={() => <Money fen={rows.data?.sumFen ?? '0'} />} />
      <Alert type="info" showIcon message={t('broker.mandate.commissionRule')} />
      <Table<BrokerCommission>
        rowKey={(c) => `${c.contractId}-${c.side}`}
        loading={rows.isLoading}
        {...table.tableProps(rows.data)}
        columns={[
          { key: 'contract', title: t('broker.commission.contract'), render: (_, c) => c.title },
          { key: 'principal', title: t('broker.mandate.principal'), render: (_, c) => c.principalName },
          { key: 'basis', title: t('broker.commission.basis'), render: (_, c) => <Money fen={c.basisFen} /> },
          { key: 'terms', title: t('broker.commission.terms'), render: (_, c) => <CommissionTerms rateBp={c.rateBp} fixedFen={c.fixedFen} /> },
          { key: 'amount', title: t('broker.commission.amount'), render: (_, c) => <Money fen={c.commissionFen} strong /> },
          { key: 'recordedAt', title: t('broker.commission.recordedAt'), render: (_, c) => beijingDateTime(c.recordedAt) },
        ]}
      />
    </Space>
  );
}

/** For a holder's mandate with `list`: a negotiated listing (协议定价) of one of its achievements, made for the holder. */
function ListForHolder({ mandate, onClose }: { mandate: Mandate | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [achievementId, setAchievementId] = useState<string | undefined>();
  const list = async () => {
    if (!mandate || !achievementId) return;
    try {
      await call(
        api.POST('/listings', {
          headers: onBehalfOf(mandate.principalOrganizationId),
          body: { achievementId, mode: 'negotiated', dealType: 'transfer', noticeDays: 10 },
        }),
      );
      void message.success(`${t('broker.act.listed')}：${mandate.principalName}`);
      onClose();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <Modal open={!!mandate} title={`${t('broker.act.listAchievement')} · ${mandate?.principalName ?? ''}`} onCancel={onClose} onOk={() => void list()}>
      <Select
        style={{ width: '100%' }}
        aria-label={t('broker.mandate.achievements')}
        value={achievementId}
        onChange={setAchievementId}
        options={(mandate?.achievementIds ?? []).map((id) => ({ value: id, label: id }))}
      />
    </Modal>
  );
}

/** The technology broker's desk (技术经纪人): its mandates, its principals' lots and deals, its commissions. */
export default function BrokerDesk() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const tab = useParams()['*'] || 'mandates';
  const [listing, setListing] = useState<Mandate | null>(null);
  if (!user) return <Navigate to="/login?next=/broker" replace />;
  if (!hasRole(user, 'broker')) return <Navigate to="/" replace />;
  const items = [
    {
      key: 'mandates',
      label: t('broker.desk.mandates'),
      children: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('broker.mandate.signingNever')} />
          <MandatesTable viewer="broker" onAct={(m) => setListing(m)} />
        </Space>
      ),
    },
    { key: 'lots', label: t('broker.desk.lots'), children: <LotsTab /> },
    { key: 'deals', label: t('broker.desk.deals'), children: <DealsTab /> },
    { key: 'commissions', label: t('broker.desk.commissions'), children: <CommissionsTab /> },
  ];
  return (
    <Card title={t('broker.desk.title')}>
      <Tabs activeKey={tab} onChange={(key) => void navigate(`/broker/${key}`)} items={items} destroyOnHidden />
      <ListForHolder mandate={listing} onClose={() => setListing(null)} />
    </Card>
  );
}

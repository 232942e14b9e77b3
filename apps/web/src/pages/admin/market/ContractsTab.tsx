import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, message } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, errorText } from '../../../api/client';
import type { components } from '../../../api/schema';
import { Money } from '../../../components/Money';
import { beijingDateTime, businessDate, fenFromYuan } from '../../../lib/format';
import { useServerTable } from '../../../lib/useServerTable';
import { beijingToday, showFieldErrors } from './forms';

type ContractItem = components['schemas']['ContractListItemDto'];
type Payment = components['schemas']['ContractPaymentItemDto'];
type Payout = components['schemas']['PayoutDto'];
const STATUSES = ['draft', 'awaiting_signatures', 'signed', 'registered', 'in_performance', 'completed', 'terminated'] as const;
const STATUS_COLORS: Record<string, string> = { awaiting_signatures: 'orange', signed: 'blue', registered: 'green', in_performance: 'cyan', terminated: 'red' };

/** An amount typed in 元, as fen, or a field error the form shows. */
function fenOf(field: string, value: number | null | undefined, t: (k: string) => string): string {
  const fen = fenFromYuan(value ?? null);
  if (fen === null || fen <= 0n)
    throw new ApiError(400, { code: 'VALIDATION_FAILED', message: '', details: [{ field, code: 'amount', message: t('errors.INVALID_AMOUNT') }] });
  return fen.toString();
}

function RegisterForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ number: string; registeredOn: string; registry: string }>();
  const [error, setError] = useState<string | null>(null);
  const register = useMutation({
    mutationFn: (v: { number: string; registeredOn: string; registry: string }) =>
      call(api.POST('/contracts/{id}/registration', { params: { path: { id } }, body: v })),
    onSuccess: () => {
      void message.success(t('market.contracts.registered'));
      onDone();
    },
    onError: (err) => setError(showFieldErrors(form, err) ? null : errorText(err)),
  });
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ number: '', registeredOn: beijingToday(), registry: '' }}
      onFinish={(v) => register.mutate(v)}
      data-testid="register-form"
    >
      <Space wrap align="start">
        <Form.Item name="number" label={t('market.contracts.registrationNumber')} rules={[{ required: true }]}>
          <Input style={{ width: 200 }} data-testid="registration-number" />
        </Form.Item>
        <Form.Item name="registeredOn" label={t('market.contracts.registeredOn')} rules={[{ required: true }]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="registry" label={t('market.contracts.registry')} rules={[{ required: true }]}>
          <Input style={{ width: 220 }} placeholder="杭州市技术合同登记处" data-testid="registration-registry" />
        </Form.Item>
      </Space>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} /> : null}
      <Button type="primary" htmlType="submit" loading={register.isPending} data-testid="registration-submit">
        {t('market.contracts.register')}
      </Button>
    </Form>
  );
}

function TerminateForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ kind: 'buyer_default' | 'mutual' | 'withdrawn' | 'other'; reason: string }>();
  const [error, setError] = useState<string | null>(null);
  const terminate = useMutation({
    mutationFn: (v: { kind: 'buyer_default' | 'mutual' | 'withdrawn' | 'other'; reason: string }) =>
      call(api.POST('/contracts/{id}/termination', { params: { path: { id } }, body: v })),
    onSuccess: () => {
      void message.success(t('market.contracts.terminated'));
      onDone();
    },
    onError: (err) => setError(showFieldErrors(form, err) ? null : errorText(err)),
  });
  return (
    <Form form={form} layout="inline" initialValues={{ kind: 'mutual', reason: '' }} onFinish={(v) => terminate.mutate(v)} style={{ rowGap: 8 }}>
      <Form.Item name="kind">
        <Select
          style={{ width: 140 }}
          options={(['mutual', 'buyer_default', 'withdrawn', 'other'] as const).map((k) => ({ value: k, label: t(`market.contracts.terminationKinds.${k}`) }))}
        />
      </Form.Item>
      <Form.Item name="reason" rules={[{ required: true }]}>
        <Input style={{ width: 320 }} placeholder={t('market.contracts.terminationReason')} />
      </Form.Item>
      <Button danger htmlType="submit" loading={terminate.isPending}>
        {t('market.contracts.terminate')}
      </Button>
      {error ? <Alert type="error" showIcon message={error} /> : null}
    </Form>
  );
}

function Payments({ id, payable, onDone }: { id: string; payable: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const table = useServerTable(5);
  const [form] = Form.useForm<{ amountFen: number; bankReference: string; receivedOn: string }>();
  const [error, setError] = useState<string | null>(null);
  const payments = useQuery({
    queryKey: ['contract-payments', id, table.query],
    queryFn: () => call(api.GET('/contracts/{id}/payments', { params: { path: { id }, query: { limit: table.query.limit, offset: table.query.offset } } })),
  });
  const record = useMutation({
    mutationFn: (v: { amountFen: number; bankReference: string; receivedOn: string }) =>
      call(
        api.POST('/contracts/{id}/bank-transfers', {
          params: { path: { id } },
          body: { amountFen: fenOf('amountFen', v.amountFen, t), bankReference: v.bankReference, receivedOn: v.receivedOn },
        }),
      ),
    onSuccess: () => {
      void message.success(t('market.contracts.transferRecorded'));
      form.resetFields();
      void payments.refetch();
      onDone();
    },
    onError: (err) => setError(showFieldErrors(form, err) ? null : errorText(err)),
  });
  return (
    <Card size="small" title={t('market.contracts.payments')}>
      <Table<Payment>
        rowKey="id"
        size="small"
        {...table.tableProps(payments.data)}
        data-testid="contract-payments"
        columns={[
          { key: 'provider', title: t('market.contracts.provider'), render: (_, p) => t(`market.contracts.providers.${p.provider}`) },
          { key: 'amount', title: t('market.contracts.amount'), render: (_, p) => <Money fen={p.amountFen} /> },
          { key: 'ref', title: t('market.contracts.bankReference'), render: (_, p) => p.providerPaymentId ?? '—' },
          {
            key: 'when',
            title: t('market.contracts.receivedOn'),
            render: (_, p) => (p.receivedOn ? businessDate(p.receivedOn) : beijingDateTime(p.succeededAt ?? p.createdAt)),
          },
          { key: 'status', title: t('market.contracts.paymentStatus'), render: (_, p) => t(`market.contracts.paymentStatuses.${p.status}`) },
          {
            key: 'refunds',
            title: t('market.contracts.refunds'),
            render: (_, p) =>
              p.refunds.length
                ? p.refunds.map((r) => (
                    <div key={r.id}>
                      {<Money fen={r.amountFen} />} · {r.reason}
                    </div>
                  ))
                : '—',
          },
        ]}
      />
      {payable ? (
        <Form
          form={form}
          layout="inline"
          style={{ marginTop: 8, rowGap: 8 }}
          initialValues={{ receivedOn: beijingToday() }}
          onFinish={(v) => {
            setError(null);
            record.mutate(v);
          }}
        >
          <Form.Item name="amountFen" rules={[{ required: true }]}>
            <InputNumber min={0.01} precision={2} placeholder={t('market.contracts.amount')} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="bankReference" rules={[{ required: true }]}>
            <Input placeholder={t('market.contracts.bankReference')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="receivedOn" rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Button htmlType="submit" loading={record.isPending}>
            {t('market.contracts.bankTransfer')}
          </Button>
          {error ? <Alert type="error" showIcon message={error} /> : null}
        </Form>
      ) : null}
    </Card>
  );
}

function Payouts({ sellerId, sellerName }: { sellerId: string; sellerName: string }) {
  const { t } = useTranslation();
  const table = useServerTable(5);
  const [form] = Form.useForm<{ amountFen: number; bankReference: string; paidOn: string }>();
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const balance = useQuery({
    queryKey: ['payout-balance', sellerId],
    queryFn: () => call(api.GET('/organizations/{id}/payout-balance', { params: { path: { id: sellerId } } })),
  });
  const payouts = useQuery({
    queryKey: ['payouts', sellerId, table.query],
    queryFn: () =>
      call(api.GET('/organizations/{id}/payouts', { params: { path: { id: sellerId }, query: { limit: table.query.limit, offset: table.query.offset } } })),
  });
  const pay = useMutation({
    mutationFn: (v: { amountFen: number; bankReference: string; paidOn: string }) =>
      call(
        api.POST('/payouts', {
          body: {
            organizationId: sellerId,
            amountFen: fenOf('amountFen', v.amountFen, t),
            bankReference: v.bankReference,
            paidOn: v.paidOn,
            idempotencyKey: key,
          },
        }),
      ),
    onSuccess: () => {
      void message.success(t('market.contracts.payoutRecorded'));
      setKey(crypto.randomUUID());
      form.resetFields();
      void balance.refetch();
      void payouts.refetch();
    },
    onError: (err) => setError(showFieldErrors(form, err) ? null : errorText(err)),
  });
  return (
    <Card size="small" title={`${t('market.contracts.payouts')} · ${sellerName}`}>
      <div className="muted" style={{ marginBottom: 8 }}>
        {t('market.contracts.payoutRule')}
      </div>
      {balance.data ? (
        <Space size="large" style={{ marginBottom: 8 }} data-testid="payout-balance">
          <span>
            {t('market.contracts.proceeds')}：<Money fen={balance.data.proceedsFen} />
          </span>
          <span>
            {t('market.contracts.available')}：<Money fen={balance.data.availableFen} strong />
          </span>
          <span>
            {t('market.contracts.paidOut')}：<Money fen={balance.data.paidOutFen} />
          </span>
        </Space>
      ) : null}
      <Table<Payout>
        rowKey="id"
        size="small"
        {...table.tableProps(payouts.data)}
        columns={[
          { key: 'paidOn', title: t('market.contracts.paidOn'), render: (_, p) => businessDate(p.paidOn) },
          { key: 'amount', title: t('market.contracts.amount'), render: (_, p) => <Money fen={p.amountFen} /> },
          { key: 'ref', title: t('market.contracts.bankReference'), dataIndex: 'bankReference' },
        ]}
      />
      <Form
        form={form}
        layout="inline"
        style={{ marginTop: 8, rowGap: 8 }}
        initialValues={{ paidOn: beijingToday() }}
        onFinish={(v) => {
          setError(null);
          pay.mutate(v);
        }}
      >
        <Form.Item name="amountFen" rules={[{ required: true }]}>
          <InputNumber min={0.01} precision={2} placeholder={t('market.contracts.amount')} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="bankReference" rules={[{ required: true }]}>
          <Input placeholder={t('market.contracts.bankReference')} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="paidOn" rules={[{ required: true }]}>
          <Input type="date" />
        </Form.Item>
        <Button htmlType="submit" loading={pay.isPending}>
          {t('market.contracts.payout')}
        </Button>
        {error ? <Alert type="error" showIcon message={error} /> : null}
      </Form>
    </Card>
  );
}

function ContractDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const contract = useQuery({ queryKey: ['admin-contract', id], queryFn: () => call(api.GET('/contracts/{id}', { params: { path: { id } } })) });
  const c = contract.data;
  const changed = () => {
    void contract.refetch();
    onChanged();
  };
  return (
    <Drawer open width={880} onClose={onClose} title={c?.title} data-testid="contract-drawer">
      {c ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              { key: 'number', label: t('market.contracts.contractNumber'), children: c.contractNumber },
              { key: 'status', label: t('market.contracts.status'), children: <Tag color={STATUS_COLORS[c.status]}>{t(`status.contract.${c.status}`)}</Tag> },
              { key: 'type', label: t('market.contracts.type'), children: t(`market.contracts.types.${c.type}`) },
              { key: 'seller', label: t('market.contracts.seller'), children: c.seller.name },
              { key: 'buyer', label: t('market.contracts.buyer'), children: c.buyer.name },
              { key: 'price', label: t('market.contracts.price'), children: <Money fen={c.priceFen} /> },
              { key: 'actual', label: t('market.contracts.actualValue'), children: <Money fen={c.money.actualValueFen} /> },
              { key: 'outstanding', label: t('market.contracts.outstanding'), children: <Money fen={c.money.outstandingFen} /> },
              {
                key: 'registration',
                label: t('market.contracts.registration'),
                children: c.registration ? `${c.registration.number} · ${businessDate(c.registration.registeredOn)} · ${c.registration.registry}` : '—',
              },
              ...(c.termination
                ? [
                    {
                      key: 'termination',
                      label: t('market.contracts.terminate'),
                      span: 2,
                      children: `${t(`market.contracts.terminationKinds.${c.termination.kind}`, { defaultValue: c.termination.kind })} · ${c.termination.reason}`,
                    },
                  ]
                : []),
            ]}
          />
          {c.status === 'signed' ? (
            <Card size="small" title={t('market.contracts.registration')}>
              <div className="muted" style={{ marginBottom: 8 }}>
                {t('market.contracts.queueRule')}
              </div>
              <RegisterForm id={id} onDone={changed} />
            </Card>
          ) : null}
          <Payments id={id} payable={['signed', 'registered', 'in_performance'].includes(c.status)} onDone={changed} />
          <Payouts sellerId={c.seller.id} sellerName={c.seller.name} />
          {!['terminated', 'completed'].includes(c.status) ? (
            <Card size="small" title={t('market.contracts.terminate')}>
              <TerminateForm id={id} onDone={changed} />
            </Card>
          ) : null}
        </Space>
      ) : null}
    </Drawer>
  );
}

/** 合同与款项: the registration queue (技术合同认定登记), every contract, payments received, bank transfers, payouts to sellers. */
export default function ContractsTab() {
  const { t } = useTranslation();
  const [view, setView] = useState<'queue' | 'all'>('queue');
  const [status, setStatus] = useState<(typeof STATUSES)[number] | undefined>();
  const [open, setOpen] = useState<string | null>(null);
  const table = useServerTable(10);
  const effective = view === 'queue' ? 'signed' : status;
  const page = useQuery({
    queryKey: ['admin-contracts', table.query, effective],
    queryFn: () =>
      call(
        api.GET('/contracts', {
          params: { query: { ...table.query, status: effective, sort: table.query.sort as 'createdAt' | 'title' | undefined } },
        }),
      ),
  });
  return (
    <div data-testid="admin-contracts">
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={view}
          onChange={(v) => {
            setView(v as 'queue' | 'all');
            table.reset();
          }}
          options={[
            { value: 'queue', label: t('market.contracts.queue') },
            { value: 'all', label: t('market.contracts.all') },
          ]}
        />
        {view === 'all' ? (
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('market.contracts.status')}
            value={status}
            onChange={(v) => {
              setStatus(v);
              table.reset();
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`status.contract.${s}`) }))}
          />
        ) : (
          <span className="muted">{t('market.contracts.queueRule')}</span>
        )}
      </Space>
      <Table<ContractItem>
        rowKey="id"
        size="small"
        loading={page.isPending}
        {...table.tableProps(page.data)}
        columns={[
          {
            key: 'contractNumber',
            title: t('market.contracts.contractNumber'),
            render: (_, c) => <span style={{ whiteSpace: 'nowrap' }}>{c.contractNumber}</span>,
          },
          { key: 'title', title: t('market.contracts.title'), sorter: true, render: (_, c) => <a onClick={() => setOpen(c.id)}>{c.title}</a> },
          { key: 'type', title: t('market.contracts.type'), render: (_, c) => t(`market.contracts.types.${c.type}`) },
          {
            key: 'status',
            title: t('market.contracts.status'),
            render: (_, c) => <Tag color={STATUS_COLORS[c.status]}>{t(`status.contract.${c.status}`)}</Tag>,
          },
          { key: 'registrationNumber', title: t('market.contracts.registrationNumber'), render: (_, c) => c.registrationNumber ?? '—' },
          { key: 'createdAt', title: t('market.contracts.createdAt'), sorter: true, render: (_, c) => beijingDateTime(c.createdAt) },
          {
            key: 'open',
            title: '',
            render: (_, c) => (
              <Button size="small" onClick={() => setOpen(c.id)} data-testid={`open-contract-${c.id}`}>
                {t('market.contracts.open')}
              </Button>
            ),
          },
        ]}
      />
      {open ? <ContractDrawer id={open} onClose={() => setOpen(null)} onChanged={() => void page.refetch()} /> : null}
    </div>
  );
}

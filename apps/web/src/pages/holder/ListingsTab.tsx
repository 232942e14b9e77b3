import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Radio, Select, Space, Switch, Table, Tabs, Tag, Typography, message } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Appraisal } from '../../components/Appraisal';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import type { User } from '../../lib/auth';
import { beijingDateTime, fenFromYuan } from '../../lib/format';
import { useServerTable } from '../../lib/useServerTable';
import { ContractsTab } from '../desk/ContractsTab';
import { PriceGuidancePanel } from './PriceGuidancePanel';
import { beijingToday, showFieldErrors } from './shared';

type HolderListing = components['schemas']['HolderListingDto'];
type Mode = 'fixed_price' | 'negotiated' | 'auction';

interface ListingFormValues {
  achievementId: string;
  mode: Mode;
  dealType: 'transfer' | 'license' | 'equity';
  licenseType?: 'exclusive' | 'sole' | 'ordinary';
  price?: number;
  noticeDays: number;
  startingPrice?: number;
  increment?: number;
  deposit?: number;
  startsAt?: string;
  endsAt?: string;
  extensionMinutes: number;
  proxyAllowed: boolean;
  appraised: boolean;
  appraiser?: string;
  appraisedValue?: number;
  appraisedOn?: string;
  report?: { name: string; sha256: string };
}

async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The appraisal report file: its name and SHA-256, computed here; the file itself stays with the holder. */
function ReportInput({ value, onChange }: { value?: { name: string; sha256: string }; onChange?: (v: { name: string; sha256: string }) => void }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size={2}>
      <label className="ant-btn ant-btn-default ant-btn-sm" style={{ cursor: 'pointer' }}>
        {t('holder.listings.chooseReport')}
        <input
          type="file"
          style={{ display: 'none' }}
          data-testid="appraisal-report"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void sha256Hex(file).then((sha256) => onChange?.({ name: file.name.slice(0, 255), sha256 }));
          }}
        />
      </label>
      {value ? (
        <Typography.Text type="secondary" data-testid="report-hash">
          {value.name} · SHA-256 {value.sha256.slice(0, 16)}…
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/** Beijing wall time (datetime-local) → ISO instant. */
const beijingIso = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const beijingLocal = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

function CreateListingForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ListingFormValues>();
  const [error, setError] = useState<string | null>(null);
  const mode = Form.useWatch('mode', form);
  const dealType = Form.useWatch('dealType', form);
  const appraised = Form.useWatch('appraised', form);
  const achievementId = Form.useWatch('achievementId', form);
  const [q, setQ] = useState('');
  const achievements = useQuery({
    queryKey: ['holder-achievements', 'registered-for-listing', q],
    queryFn: () =>
      call(
        api.GET('/achievements', { params: { query: { registrationStatus: 'registered', q: q || undefined, limit: 20, sort: 'createdAt', order: 'desc' } } }),
      ),
  });
  const create = useMutation({
    mutationFn: async (v: ListingFormValues) => {
      const fen = (field: string, value: number | undefined) => {
        const parsed = fenFromYuan(value ?? null);
        if (parsed === null)
          throw new ApiError(400, { code: 'VALIDATION_FAILED', message: '', details: [{ field, code: 'amount', message: t('errors.INVALID_AMOUNT') }] });
        return parsed.toString();
      };
      const appraisal = v.appraised
        ? {
            appraiser: v.appraiser ?? '',
            valueFen: fen('appraisal.valueFen', v.appraisedValue),
            appraisedOn: v.appraisedOn ?? '',
            documentName: v.report?.name ?? '',
            documentSha256: v.report?.sha256 ?? '',
          }
        : undefined;
      const deal = { dealType: v.dealType, ...(v.dealType === 'license' && v.licenseType ? { licenseType: v.licenseType } : {}) };
      if (v.mode === 'auction')
        return call(
          api.POST('/lots', {
            body: {
              achievementId: v.achievementId,
              ...deal,
              startingPriceFen: fen('startingPriceFen', v.startingPrice),
              increment: { kind: 'fixed', amountFen: fen('increment', v.increment) },
              depositFen: fen('depositFen', v.deposit),
              startsAt: beijingIso(v.startsAt ?? ''),
              endsAt: beijingIso(v.endsAt ?? ''),
              extensionMinutes: v.extensionMinutes,
              proxyAllowed: v.proxyAllowed,
              ...(appraisal ? { appraisal } : {}),
            },
          }),
        );
      return call(
        api.POST('/listings', {
          body: {
            achievementId: v.achievementId,
            mode: v.mode,
            ...deal,
            noticeDays: v.noticeDays,
            ...(v.mode === 'fixed_price' ? { priceFen: fen('priceFen', v.price) } : {}),
            ...(appraisal ? { appraisal } : {}),
          },
        }),
      );
    },
    onSuccess: () => {
      void message.success(t('holder.listings.created'));
      form.resetFields();
      onCreated();
    },
    onError: (err) => {
      // API names → form fields
      const rename: Record<string, string> = {
        'appraisal.appraiser': 'appraiser',
        'appraisal.valueFen': 'appraisedValue',
        'appraisal.appraisedOn': 'appraisedOn',
        'appraisal.documentName': 'report',
        'appraisal.documentSha256': 'report',
        priceFen: 'price',
        startingPriceFen: 'startingPrice',
        depositFen: 'deposit',
      };
      const named =
        err instanceof ApiError && err.body.details?.length
          ? new ApiError(err.status, { ...err.body, details: err.body.details.map((d) => ({ ...d, field: rename[d.field] ?? d.field })) })
          : err;
      setError(showFieldErrors(form, named));
    },
  });
  const inADay = Math.ceil((Date.now() + 24 * 3_600_000) / 1_800_000) * 1_800_000;
  return (
    <Card size="small" title={t('holder.listings.create')} style={{ marginBottom: 16 }} data-testid="create-listing">
      <Form<ListingFormValues>
        form={form}
        layout="vertical"
        initialValues={{
          mode: 'fixed_price',
          dealType: 'transfer',
          noticeDays: 10,
          increment: 5000,
          deposit: 10000,
          startsAt: beijingLocal(inADay),
          endsAt: beijingLocal(inADay + 72 * 3_600_000),
          extensionMinutes: 5,
          proxyAllowed: true,
          appraised: false,
        }}
        onFinish={(v) => {
          setError(null);
          create.mutate(v);
        }}
      >
        <Form.Item name="achievementId" label={t('holder.listings.achievement')} rules={[{ required: true }]}>
          <Select
            showSearch
            filterOption={false}
            onSearch={(v) => setQ(v.trim())}
            placeholder={t('holder.list.search')}
            data-testid="listing-achievement"
            loading={achievements.isFetching}
            options={(achievements.data?.items ?? []).map((a) => ({ value: a.id, label: a.title }))}
          />
        </Form.Item>
        <Form.Item name="mode" label={t('holder.listings.mode')} extra={mode ? t(`holder.listings.modeRule.${mode}`) : null}>
          <Radio.Group
            optionType="button"
            data-testid="listing-mode"
            options={(['fixed_price', 'negotiated', 'auction'] as const).map((m) => ({ value: m, label: t(`holder.listings.modes.${m}`) }))}
          />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="dealType" label={t('holder.listings.dealType')}>
            <Select style={{ width: 130 }} options={(['transfer', 'license', 'equity'] as const).map((v) => ({ value: v, label: t(`enums.dealType.${v}`) }))} />
          </Form.Item>
          {dealType === 'license' ? (
            <Form.Item name="licenseType" label={t('holder.listings.licenseType')} rules={[{ required: true }]}>
              <Select
                style={{ width: 140 }}
                options={(['exclusive', 'sole', 'ordinary'] as const).map((v) => ({ value: v, label: t(`enums.licenseType.${v}`) }))}
              />
            </Form.Item>
          ) : null}
          {mode === 'fixed_price' ? (
            <>
              <Form.Item name="price" label={t('holder.listings.price')} rules={[{ required: true }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 180 }} data-testid="listing-price" />
              </Form.Item>
              <Form.Item name="noticeDays" label={t('holder.listings.noticeDays')} extra={t('holder.listings.noticeRule')}>
                <InputNumber min={1} max={60} style={{ width: 120 }} />
              </Form.Item>
            </>
          ) : null}
          {mode === 'auction' ? (
            <>
              <Form.Item name="startingPrice" label={t('holder.listings.startingPrice')} rules={[{ required: true }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
              </Form.Item>
              <Form.Item name="increment" label={t('holder.listings.increment')} extra={t('holder.listings.incrementRule')} rules={[{ required: true }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="deposit" label={t('holder.listings.deposit')} extra={t('holder.listings.depositRule')} rules={[{ required: true }]}>
                <InputNumber min={0} precision={2} style={{ width: 140 }} />
              </Form.Item>
            </>
          ) : null}
        </Space>
        <PriceGuidancePanel
          achievementId={achievementId}
          dealType={dealType ?? 'transfer'}
          onUse={mode === 'fixed_price' ? (value) => form.setFieldsValue({ price: value }) : undefined}
        />
        {mode === 'auction' ? (
          <Space wrap align="start">
            <Form.Item name="startsAt" label={t('holder.listings.startsAt')} rules={[{ required: true }]}>
              <Input type="datetime-local" />
            </Form.Item>
            <Form.Item name="endsAt" label={t('holder.listings.endsAt')} rules={[{ required: true }]}>
              <Input type="datetime-local" />
            </Form.Item>
            <Form.Item name="extensionMinutes" label={t('holder.listings.extension')} extra={t('holder.listings.extensionRule')}>
              <InputNumber min={0} max={60} style={{ width: 100 }} />
            </Form.Item>
            <Form.Item name="proxyAllowed" label={t('holder.listings.proxy')} valuePropName="checked" extra={t('holder.listings.proxyRule')}>
              <Switch />
            </Form.Item>
          </Space>
        ) : null}
        {mode === 'auction' ? <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('holder.listings.sessionNote')} /> : null}
        <Form.Item name="appraised" valuePropName="checked" label={t('holder.listings.appraised')} extra={t('appraisal.rule')}>
          <Switch data-testid="listing-appraised" />
        </Form.Item>
        {appraised ? (
          <Space wrap align="start">
            <Form.Item name="appraiser" label={t('appraisal.appraiser')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={200} style={{ width: 260 }} data-testid="appraiser" />
            </Form.Item>
            <Form.Item name="appraisedValue" label={t('holder.listings.appraisedValue')} rules={[{ required: true }]}>
              <InputNumber min={0.01} precision={2} style={{ width: 180 }} data-testid="appraised-value" />
            </Form.Item>
            <Form.Item name="appraisedOn" label={t('appraisal.appraisedOn')} rules={[{ required: true }]}>
              <Input type="date" max={beijingToday()} data-testid="appraised-on" />
            </Form.Item>
            <Form.Item name="report" label={t('appraisal.document')} rules={[{ required: true, message: t('holder.listings.reportRequired') }]}>
              <ReportInput />
            </Form.Item>
          </Space>
        ) : null}
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} data-testid="listing-error" /> : null}
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="listing-submit">
          {t('holder.listings.submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** One listing: its terms and appraisal, the declarations of intent, the bidders registered for its lot (pseudonyms only). */
function ListingDetail({ listing }: { listing: HolderListing }) {
  const { t } = useTranslation();
  const intents = useServerTable(10);
  const bidders = useServerTable(10);
  const intentPage = useQuery({
    queryKey: ['listing-intents', listing.id, intents.query],
    queryFn: () => call(api.GET('/listings/{id}/intents', { params: { path: { id: listing.id }, query: intents.query } })),
  });
  const bidderPage = useQuery({
    queryKey: ['listing-bidders', listing.id, bidders.query],
    queryFn: () => call(api.GET('/listings/{id}/bidders', { params: { path: { id: listing.id }, query: bidders.query } })),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="listing-detail">
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('holder.listings.mode')}>
          {t(`holder.listings.modes.${listing.mode}`)} · {t(`enums.dealType.${listing.dealType}`)}
          <div className="muted">{t(`holder.listings.modeRule.${listing.mode}`)}</div>
        </Descriptions.Item>
        <Descriptions.Item label={t('holder.listings.price')}>
          <Money fen={listing.priceFen} strong />
        </Descriptions.Item>
        <Descriptions.Item label={t('appraisal.label')}>
          <Appraisal appraisal={listing.appraisal} priceFen={listing.priceFen} />
        </Descriptions.Item>
        {listing.noticeEndsAt ? (
          <Descriptions.Item label={t('holder.listings.noticeEnds')}>
            {beijingDateTime(listing.noticeEndsAt)}
            {listing.noticeProvisional ? <Tag color="gold">{t('holder.listings.provisional')}</Tag> : null}
          </Descriptions.Item>
        ) : null}
        {listing.lotId ? (
          <Descriptions.Item label={t('holder.listings.lot')}>
            <Link to={`/lot/${listing.lotId}`}>{t('holder.listings.toLot')}</Link>
            {listing.lotStartsAt ? (
              <span className="muted">
                {' '}
                · {beijingDateTime(listing.lotStartsAt)} – {beijingDateTime(listing.lotEndsAt)}
              </span>
            ) : null}
          </Descriptions.Item>
        ) : null}
        {listing.statusReason ? <Descriptions.Item label={t('holder.listings.outcome')}>{listing.statusReason}</Descriptions.Item> : null}
      </Descriptions>
      <Table
        size="small"
        rowKey="id"
        title={() => t('holder.listings.intentsTitle')}
        loading={intentPage.isPending}
        {...intents.tableProps(intentPage.data)}
        locale={{ emptyText: t('holder.listings.noIntents') }}
        data-testid="listing-intents"
        columns={[
          { key: 'name', title: t('holder.listings.enterprise'), dataIndex: 'name' },
          { key: 'statement', title: t('holder.listings.statement'), dataIndex: 'statement' },
          { key: 'at', title: t('holder.listings.declaredAt'), render: (_, i) => beijingDateTime(i.declaredAt) },
        ]}
      />
      <Table
        size="small"
        rowKey="paddleNumber"
        title={() => t('holder.listings.biddersTitle', { total: bidderPage.data?.total ?? 0 })}
        loading={bidderPage.isPending}
        {...bidders.tableProps(bidderPage.data)}
        locale={{ emptyText: bidderPage.data?.lotId ? t('holder.listings.noBidders') : t('holder.listings.noLot') }}
        data-testid="listing-bidders"
        columns={[
          { key: 'paddle', title: t('holder.listings.paddle'), dataIndex: 'paddleNumber' },
          { key: 'pseudonym', title: t('holder.listings.pseudonym'), dataIndex: 'pseudonym' },
          { key: 'deposit', title: t('holder.listings.depositStatus'), render: (_, b) => t(`holder.listings.deposits.${b.depositStatus}`) },
        ]}
      />
      <Typography.Text type="secondary">{t('holder.listings.biddersRule')}</Typography.Text>
    </Space>
  );
}

function MyListings({ user, version }: { user: User; version: number }) {
  const { t } = useTranslation();
  const table = useServerTable(10);
  const [status, setStatus] = useState<'active' | 'suspended' | 'withdrawn' | 'closed' | undefined>();
  const [open, setOpen] = useState<HolderListing | null>(null);
  const page = useQuery({
    queryKey: ['holder-listings', table.query, status, version],
    queryFn: () =>
      call(
        api.GET('/organizations/{id}/listings', {
          params: { path: { id: user.organizationId }, query: { limit: table.query.limit, offset: table.query.offset, status } },
        }),
      ),
  });
  if (page.error) return <QueryError error={page.error} onRetry={() => void page.refetch()} />;
  return (
    <>
      <Space style={{ marginBottom: 8 }}>
        <Select
          style={{ width: 140 }}
          value={status ?? 'all'}
          onChange={(v) => {
            setStatus(v === 'all' ? undefined : (v as typeof status));
            table.reset();
          }}
          options={[
            { value: 'all', label: t('holder.list.all') },
            ...(['active', 'suspended', 'withdrawn', 'closed'] as const).map((s) => ({ value: s, label: t(`status.listing.${s}`, { defaultValue: s }) })),
          ]}
        />
        <span className="muted">{t('holder.listings.statusRule')}</span>
      </Space>
      <Table<HolderListing>
        rowKey="id"
        size="small"
        loading={page.isPending}
        {...table.tableProps(page.data)}
        data-testid="holder-listings"
        columns={[
          { key: 'title', title: t('holder.list.title'), render: (_, l) => <Link to={`/achievement/${l.achievementId}`}>{l.title}</Link> },
          { key: 'mode', title: t('holder.listings.mode'), render: (_, l) => t(`holder.listings.modes.${l.mode}`) },
          { key: 'price', title: t('holder.listings.price'), render: (_, l) => <Money fen={l.priceFen} /> },
          { key: 'appraisal', title: t('appraisal.value'), render: (_, l) => (l.appraisal ? <Money fen={l.appraisal.valueFen} /> : '—') },
          { key: 'status', title: t('holder.listings.status'), render: (_, l) => <Tag>{t(`status.listing.${l.status}`, { defaultValue: l.status })}</Tag> },
          { key: 'notice', title: t('holder.listings.noticeEnds'), render: (_, l) => (l.noticeEndsAt ? beijingDateTime(l.noticeEndsAt) : '—') },
          { key: 'intents', title: t('holder.listings.intents'), dataIndex: 'intents' },
          { key: 'bidders', title: t('holder.listings.bidders'), dataIndex: 'bidders' },
          {
            key: 'open',
            title: t('holder.common.actions'),
            render: (_, l) => (
              <Button size="small" onClick={() => setOpen(l)} data-testid="open-listing">
                {t('holder.common.view')}
              </Button>
            ),
          },
        ]}
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={Math.min(720, window.innerWidth)} title={open?.title}>
        {open ? <ListingDetail listing={open} /> : null}
      </Drawer>
    </>
  );
}

/** Proceeds and payouts: what the holder has earned, been paid and may still be paid (GET payout-balance and payouts). */
function Proceeds({ user }: { user: User }) {
  const { t } = useTranslation();
  const table = useServerTable(10);
  const balance = useQuery({
    queryKey: ['payout-balance', user.organizationId],
    queryFn: () => call(api.GET('/organizations/{id}/payout-balance', { params: { path: { id: user.organizationId } } })),
  });
  const payouts = useQuery({
    queryKey: ['payouts', user.organizationId, table.query],
    queryFn: () =>
      call(
        api.GET('/organizations/{id}/payouts', {
          params: { path: { id: user.organizationId }, query: { limit: table.query.limit, offset: table.query.offset } },
        }),
      ),
  });
  const b = balance.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="proceeds">
      {b ? (
        <Descriptions size="small" bordered column={{ xs: 1, md: 4 }}>
          <Descriptions.Item label={t('holder.listings.proceeds')}>
            <Money fen={b.proceedsFen} />
          </Descriptions.Item>
          <Descriptions.Item label={t('holder.listings.pendingRefunds')}>
            <Money fen={b.pendingRefundsFen} />
          </Descriptions.Item>
          <Descriptions.Item label={t('holder.listings.paidOut')}>
            <Money fen={b.paidOutFen} />
          </Descriptions.Item>
          <Descriptions.Item label={t('holder.listings.available')}>
            <Money fen={b.availableFen} strong />
          </Descriptions.Item>
        </Descriptions>
      ) : null}
      <Typography.Text type="secondary">{t('holder.listings.proceedsRule')}</Typography.Text>
      <Table
        size="small"
        rowKey="id"
        loading={payouts.isPending}
        {...table.tableProps(payouts.data)}
        locale={{ emptyText: t('holder.listings.noPayouts') }}
        columns={[
          { key: 'paidOn', title: t('holder.listings.paidOn'), dataIndex: 'paidOn' },
          { key: 'amount', title: t('holder.listings.amount'), render: (_, p) => <Money fen={p.amountFen} /> },
          { key: 'ref', title: t('holder.listings.bankReference'), dataIndex: 'bankReference' },
          { key: 'note', title: t('holder.listings.note'), render: (_, p) => p.note ?? '' },
        ]}
      />
    </Space>
  );
}

/** 挂牌与交易: list an achievement (挂牌 / 协议 / 拍卖, with an appraisal), follow each listing, sign contracts, see proceeds. */
export function ListingsTab({ user, isAdmin }: { user: User; isAdmin: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  return (
    <Tabs
      size="small"
      items={[
        {
          key: 'listings',
          label: t('holder.listings.mine'),
          children: (
            <>
              {isAdmin ? (
                <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setCreating((c) => !c)} data-testid="new-listing">
                  {t('holder.listings.create')}
                </Button>
              ) : null}
              {creating ? (
                <CreateListingForm
                  onCreated={() => {
                    setCreating(false);
                    setVersion((v) => v + 1);
                    void qc.invalidateQueries({ queryKey: ['holder-listings'] });
                  }}
                />
              ) : null}
              <MyListings user={user} version={version} />
            </>
          ),
        },
        { key: 'contracts', label: t('holder.listings.contracts'), children: <ContractsTab user={user} /> },
        { key: 'proceeds', label: t('holder.listings.proceedsTab'), children: <Proceeds user={user} /> },
      ]}
    />
  );
}

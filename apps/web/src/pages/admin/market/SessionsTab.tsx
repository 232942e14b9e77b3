import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Select, Space, Switch, Table, Tag, message } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call, errorText } from '../../../api/client';
import { showFieldErrors } from './forms';
import type { components } from '../../../api/schema';
import { Money } from '../../../components/Money';
import { beijingDateTime, fenFromYuan } from '../../../lib/format';
import { useServerTable } from '../../../lib/useServerTable';
import { beijingInputToIso, isoToBeijingInput, type SessionLot } from './live-session';

type SessionSummary = components['schemas']['SessionSummaryDto'];
const THEMES = ['yangtze_delta', 'three_highlands', 'corridor', 'hightech_zone', 'regular', 'other'] as const;

function CreateSessionForm({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (v: { name: string; theme: (typeof THEMES)[number]; runMode: 'sequential' | 'parallel'; startsAt: string }) =>
      call(api.POST('/auction-sessions', { body: { name: v.name, theme: v.theme, runMode: v.runMode, startsAt: beijingInputToIso(v.startsAt), draft: true } })),
    onSuccess: (s) => onCreated(s.id),
    onError: (err) => setError(showFieldErrors(form, err) ? null : errorText(err)),
  });
  const inAnHour = isoToBeijingInput(Math.ceil((Date.now() + 3_600_000) / 1_800_000) * 1_800_000);
  return (
    <Card size="small" title={t('market.sessions.create')} style={{ marginBottom: 12 }} data-testid="create-session">
      <Form
        form={form}
        layout="vertical"
        initialValues={{ theme: 'yangtze_delta', runMode: 'sequential', startsAt: inAnHour, name: '' }}
        onFinish={(v) => {
          setError(null);
          create.mutate(v);
        }}
      >
        <Space wrap align="start">
          <Form.Item name="name" label={t('market.sessions.name')} rules={[{ required: true }]} style={{ minWidth: 320 }}>
            <Input maxLength={200} data-testid="session-name" />
          </Form.Item>
          <Form.Item name="theme" label={t('market.sessions.theme')}>
            <Select style={{ width: 160 }} data-testid="session-theme" options={THEMES.map((v) => ({ value: v, label: t(`enums.theme.${v}`) }))} />
          </Form.Item>
          <Form.Item name="startsAt" label={t('market.sessions.startsAt')} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="session-starts" />
          </Form.Item>
        </Space>
        <Form.Item name="runMode" label={t('market.sessions.runMode')}>
          <Radio.Group
            options={(['sequential', 'parallel'] as const).map((v) => ({ value: v, label: t(`market.sessions.runModes.${v}`) }))}
            data-testid="session-mode"
          />
        </Form.Item>
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} /> : null}
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="session-submit">
          {t('market.sessions.create')}
        </Button>
      </Form>
    </Card>
  );
}

function SessionList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [status, setStatus] = useState<'draft' | 'published' | undefined>();
  const [creating, setCreating] = useState(false);
  const table = useServerTable(10);
  const page = useQuery({
    queryKey: ['admin-sessions', table.query, status],
    queryFn: () =>
      call(
        api.GET('/auction-sessions/manage', {
          params: { query: { ...table.query, status, sort: table.query.sort as 'startsAt' | 'name' | 'lotCount' | undefined } },
        }),
      ),
  });
  return (
    <div data-testid="admin-sessions">
      <Space style={{ marginBottom: 12 }} wrap>
        <Button type="primary" onClick={() => setCreating((c) => !c)} data-testid="new-session">
          {t('market.sessions.create')}
        </Button>
        <Select
          style={{ width: 140 }}
          value={status ?? 'all'}
          onChange={(v) => {
            setStatus(v === 'all' ? undefined : (v as 'draft' | 'published'));
            table.reset();
          }}
          options={[
            { value: 'all', label: t('market.sessions.all') },
            { value: 'draft', label: t('market.sessions.statuses.draft') },
            { value: 'published', label: t('market.sessions.statuses.published') },
          ]}
        />
        <span className="muted">{t('market.sessions.statusRule')}</span>
      </Space>
      {creating ? <CreateSessionForm onCreated={(id) => void navigate(`/admin/sessions/${id}`)} /> : null}
      <Table<SessionSummary>
        rowKey="id"
        size="small"
        loading={page.isPending}
        {...table.tableProps(page.data)}
        columns={[
          { key: 'name', title: t('market.sessions.name'), sorter: true, render: (_, s) => <Link to={`/admin/sessions/${s.id}`}>{s.name}</Link> },
          { key: 'theme', title: t('market.sessions.theme'), render: (_, s) => t(`enums.theme.${s.theme}`) },
          { key: 'runMode', title: t('market.sessions.runMode'), render: (_, s) => t(`market.sessions.runModes.${s.runMode}`) },
          { key: 'startsAt', title: t('market.sessions.startsAt'), sorter: true, render: (_, s) => beijingDateTime(s.startsAt) },
          { key: 'lotCount', title: t('market.sessions.lotCount'), sorter: true, dataIndex: 'lotCount' },
          {
            key: 'status',
            title: t('market.sessions.status'),
            render: (_, s) => <Tag color={s.status === 'published' ? 'green' : 'default'}>{t(`market.sessions.statuses.${s.status}`)}</Tag>,
          },
        ]}
      />
    </div>
  );
}

interface LotFormValues {
  achievementId: string;
  dealType: 'transfer' | 'license' | 'equity';
  licenseType?: 'exclusive' | 'sole' | 'ordinary';
  startingPriceFen: number;
  reservePriceFen?: number | null;
  incrementKind: 'fixed' | 'ladder';
  increment: number;
  /** ladder: from a price (元), the raise (元) */
  bands?: { from: number; raise: number }[];
  depositFen: number;
  startsAt: string;
  endsAt: string;
  extensionMinutes: number;
  extensionCapMinutes?: number | null;
  proxyAllowed: boolean;
}

function AddLotForm({ session, onAdded }: { session: components['schemas']['SessionDto']; onAdded: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<LotFormValues>();
  const [q, setQ] = useState('');
  const [error, setError] = useState<string | null>(null);
  const dealType = Form.useWatch('dealType', form);
  const incrementKind = Form.useWatch('incrementKind', form);
  const found = useQuery({
    queryKey: ['lot-achievements', q],
    queryFn: () => call(api.GET('/catalogue', { params: { query: { q: q || undefined, limit: 20 } } })),
  });
  const live = session.runMode === 'sequential';
  const add = useMutation({
    mutationFn: (v: LotFormValues) => {
      const fen = (field: keyof LotFormValues, value: number | null | undefined) => {
        const parsed = fenFromYuan(value ?? null);
        if (parsed === null)
          throw new ApiError(400, { code: 'VALIDATION_FAILED', message: '', details: [{ field, code: 'amount', message: t('errors.INVALID_AMOUNT') }] });
        return parsed.toString();
      };
      return call(
        api.POST('/lots', {
          body: {
            achievementId: v.achievementId,
            dealType: v.dealType,
            ...(v.dealType === 'license' && v.licenseType ? { licenseType: v.licenseType } : {}),
            startingPriceFen: fen('startingPriceFen', v.startingPriceFen),
            ...(v.reservePriceFen ? { reservePriceFen: fen('reservePriceFen', v.reservePriceFen) } : {}),
            increment:
              v.incrementKind === 'ladder'
                ? {
                    kind: 'ladder',
                    bands: (v.bands ?? []).map((b) => ({
                      fromFen: b.from === 0 ? '0' : fen('increment', b.from),
                      incrementFen: fen('increment', b.raise),
                    })),
                  }
                : { kind: 'fixed', amountFen: fen('increment', v.increment) },
            depositFen: fen('depositFen', v.depositFen),
            startsAt: beijingInputToIso(v.startsAt),
            endsAt: beijingInputToIso(v.endsAt),
            extensionMinutes: v.extensionMinutes,
            ...(v.extensionCapMinutes ? { extensionCapMinutes: v.extensionCapMinutes } : {}),
            proxyAllowed: v.proxyAllowed,
            sessionId: session.id,
            live,
          },
        }),
      );
    },
    onSuccess: () => {
      void message.success(t('market.lotForm.added'));
      form.resetFields(['achievementId']);
      onAdded();
    },
    onError: (err) => setError(showFieldErrors(form, err, (f) => (f.startsWith('increment') ? 'increment' : f)) ? null : errorText(err)),
  });
  const start = isoToBeijingInput(session.startsAt);
  return (
    <Card size="small" title={t('market.lotForm.add')} data-testid="add-lot">
      <Form<LotFormValues>
        form={form}
        layout="vertical"
        initialValues={{
          dealType: 'transfer',
          startingPriceFen: 100000,
          incrementKind: 'fixed',
          increment: 5000,
          bands: [
            { from: 0, raise: 5000 },
            { from: 1000000, raise: 20000 },
          ],
          depositFen: 10000,
          startsAt: start,
          endsAt: isoToBeijingInput(Date.parse(session.startsAt) + (live ? 4 : 72) * 3_600_000),
          extensionMinutes: live ? 0 : 5,
          proxyAllowed: !live,
        }}
        onFinish={(v) => {
          setError(null);
          add.mutate(v);
        }}
      >
        <Form.Item name="achievementId" label={t('market.lotForm.achievement')} rules={[{ required: true }]}>
          <Select
            showSearch
            filterOption={false}
            onSearch={setQ}
            placeholder={t('market.lotForm.achievementSearch')}
            loading={found.isFetching}
            data-testid="lot-achievement"
            options={(found.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.title} · ${a.holder.name}` }))}
          />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="dealType" label={t('market.lotForm.dealType')}>
            <Select style={{ width: 120 }} options={(['transfer', 'license', 'equity'] as const).map((v) => ({ value: v, label: t(`enums.dealType.${v}`) }))} />
          </Form.Item>
          {dealType === 'license' ? (
            <Form.Item name="licenseType" label={t('market.lotForm.licenseType')} rules={[{ required: true }]}>
              <Select
                style={{ width: 140 }}
                options={(['exclusive', 'sole', 'ordinary'] as const).map((v) => ({ value: v, label: t(`enums.licenseType.${v}`) }))}
              />
            </Form.Item>
          ) : null}
          <Form.Item name="startingPriceFen" label={t('market.lotForm.startingPrice')} rules={[{ required: true }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 160 }} data-testid="lot-starting" />
          </Form.Item>
          <Form.Item name="reservePriceFen" label={t('market.lotForm.reservePrice')} extra={t('market.lotForm.reserveHelp')}>
            <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="incrementKind" label={t('market.lotForm.incrementKind')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'fixed', label: t('market.lotForm.fixed') },
                { value: 'ladder', label: t('market.lotForm.ladder') },
              ]}
            />
          </Form.Item>
          {incrementKind === 'ladder' ? (
            <Form.Item name="increment" label={t('market.lotForm.ladderBands')} extra={t('market.lotForm.ladderHelp')}>
              <Form.List name="bands">
                {(fields, { add, remove }) => (
                  <Space direction="vertical" size={4}>
                    {fields.map((field) => (
                      <Space key={field.key} size={4}>
                        <Form.Item name={[field.name, 'from']} noStyle rules={[{ required: true }]}>
                          <InputNumber min={0} precision={2} prefix={t('market.lotForm.bandFrom')} style={{ width: 200 }} />
                        </Form.Item>
                        <Form.Item name={[field.name, 'raise']} noStyle rules={[{ required: true }]}>
                          <InputNumber min={0.01} precision={2} prefix={t('market.lotForm.bandRaise')} style={{ width: 180 }} />
                        </Form.Item>
                        {fields.length > 1 ? (
                          <Button size="small" onClick={() => remove(field.name)}>
                            −
                          </Button>
                        ) : null}
                      </Space>
                    ))}
                    <Button size="small" onClick={() => add({ from: null, raise: null })}>
                      +
                    </Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
          ) : (
            <Form.Item name="increment" label={t('market.lotForm.increment')} rules={[{ required: true }]}>
              <InputNumber min={0.01} precision={2} style={{ width: 140 }} data-testid="lot-increment" />
            </Form.Item>
          )}
          <Form.Item name="depositFen" label={t('market.lotForm.deposit')} extra={t('market.lotForm.depositHelp')} rules={[{ required: true }]}>
            <InputNumber min={0} precision={2} style={{ width: 140 }} data-testid="lot-deposit" />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="startsAt" label={t('market.lotForm.startsAt')} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="lot-starts" />
          </Form.Item>
          <Form.Item name="endsAt" label={t('market.lotForm.endsAt')} extra={live ? t('market.lotForm.endsHelp') : undefined} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="lot-ends" />
          </Form.Item>
          <Form.Item name="extensionMinutes" label={t('market.lotForm.extension')} extra={t('market.lotForm.extensionHelp')}>
            <InputNumber min={0} max={60} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="extensionCapMinutes" label={t('market.lotForm.extensionCap')}>
            <InputNumber min={0} max={1440} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="proxyAllowed" label={t('market.lotForm.proxyAllowed')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} data-testid="lot-error" /> : null}
        <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="lot-submit">
          {t('market.lotForm.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function SessionDetailView({ id }: { id: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const session = useQuery({ queryKey: ['admin-session', id], queryFn: () => call(api.GET('/auction-sessions/{id}', { params: { path: { id } } })) });
  const publish = useMutation({
    mutationFn: () => call(api.POST('/auction-sessions/{id}/publish', { params: { path: { id } } })),
    onSuccess: (s) => {
      client.setQueryData(['admin-session', id], s);
      void message.success(t('market.sessions.published'));
    },
    onError: (err) => void message.error(errorText(err)),
  });
  if (session.error) return <Alert type="error" message={errorText(session.error)} />;
  if (!session.data) return null;
  const s = session.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="admin-session">
      <Link to="/admin/sessions">← {t('market.sessions.back')}</Link>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 3 }}
        title={s.name}
        extra={
          <Space>
            {s.status === 'draft' ? (
              <Button type="primary" onClick={() => publish.mutate()} loading={publish.isPending} data-testid="publish-session">
                {t('market.sessions.publish')}
              </Button>
            ) : null}
            {s.runMode === 'sequential' ? (
              <Link to={`/admin/console/${s.id}`} data-testid="to-console">
                <Button>{t('market.sessions.console')}</Button>
              </Link>
            ) : null}
            <a href={`/hall/${s.id}`} target="_blank" rel="noreferrer">
              <Button>{t('market.sessions.hall')}</Button>
            </a>
          </Space>
        }
        items={[
          { key: 'theme', label: t('market.sessions.theme'), children: t(`enums.theme.${s.theme}`) },
          { key: 'mode', label: t('market.sessions.runMode'), children: t(`market.sessions.runModes.${s.runMode}`) },
          { key: 'starts', label: t('market.sessions.startsAt'), children: beijingDateTime(s.startsAt) },
          {
            key: 'status',
            label: t('market.sessions.status'),
            span: 3,
            children: (
              <span data-testid="session-status">
                <Tag color={s.status === 'published' ? 'green' : 'default'}>{t(`market.sessions.statuses.${s.status}`)}</Tag>
                <span className="muted">{t('market.sessions.statusRule')}</span>
              </span>
            ),
          },
        ]}
      />
      <Table<SessionLot>
        rowKey="id"
        size="small"
        pagination={false}
        title={() => t('market.sessions.lots')}
        locale={{ emptyText: t('market.sessions.noLots') }}
        dataSource={s.lots}
        data-testid="session-lots"
        columns={[
          { key: 'i', title: '#', render: (_, __, i) => i + 1 },
          { key: 'title', title: t('market.sessions.lots'), render: (_, l) => <Link to={`/lot/${l.id}`}>{l.title}</Link> },
          { key: 'starts', title: t('market.lotForm.startsAt'), render: (_, l) => beijingDateTime(l.startsAt) },
          { key: 'ends', title: t('market.lotForm.endsAt'), render: (_, l) => beijingDateTime(l.endsAt) },
          { key: 'status', title: t('market.sessions.status'), render: (_, l) => t(`market.console.statuses.${l.status}`) },
          { key: 'current', title: t('market.console.current'), render: (_, l) => <Money fen={l.currentFen} /> },
          { key: 'bids', title: t('market.sessions.bidCount'), dataIndex: 'bidCount' },
        ]}
      />
      <AddLotForm session={s} onAdded={() => void session.refetch()} />
    </Space>
  );
}

/** 专场与标的: the operator's sessions (drafts included), one session's lots, rules and publication. */
export default function SessionsTab() {
  const id = (useParams()['*'] ?? '').split('/')[1];
  return id ? <SessionDetailView id={id} /> : <SessionList />;
}

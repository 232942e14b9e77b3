import { useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  message,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import '../../i18n/broker';
import { api, ApiError, call, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import { beijingDateTime, businessDate, fenFromYuan } from '../../lib/format';
import { useServerTable } from '../../lib/useServerTable';

type Mandate = components['schemas']['MandateDto'];
type MandateAction = components['schemas']['MandateActionDto'];
type Permission = 'list' | 'register_and_bid' | 'negotiate';

/** The routes a broker acts on, by the text key that names them for people. */
const OPERATIONS: Record<string, string> = {
  'POST /lots/:id/registrations': 'register',
  'POST /lots/:id/bids': 'bid',
  'POST /lots': 'createLot',
  'POST /listings': 'list',
  'POST /listings/:id/intents': 'intent',
  'POST /listings/:id/agreements': 'agreement',
};

const STATUS_COLORS: Record<string, string> = { active: 'green', revoked: 'red', lapsed: 'default' };
const PERMISSIONS_OF: Record<'holder' | 'enterprise', Permission[]> = { holder: ['list', 'negotiate'], enterprise: ['register_and_bid', 'negotiate'] };

/** A mandate's status with the rule behind it. */
export function MandateStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t(`broker.mandate.statusRule.${status}`)}>
      <Tag color={STATUS_COLORS[status]}>{t(`broker.mandate.statusText.${status}`)}</Tag>
    </Tooltip>
  );
}

/** The commission a mandate agreed: a rate (basis points shown as %) or a fixed amount. */
export function CommissionTerms({ rateBp, fixedFen }: { rateBp: number | null; fixedFen: string | null }) {
  return rateBp !== null ? <span>{(rateBp / 100).toFixed(2)}%</span> : <Money fen={fixedFen} />;
}

interface GrantForm {
  brokerOrganizationId: string;
  achievementIds?: string[];
  lotIds?: string[];
  permissions: Permission[];
  endsOn: Dayjs;
  commissionKind: 'rate' | 'fixed';
  ratePercent?: number;
  fixedYuan?: string;
  note?: string;
}

function GrantMandate({ principalType, onGranted }: { principalType: 'holder' | 'enterprise'; onGranted: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<GrantForm>();
  const [busy, setBusy] = useState(false);
  const kind = Form.useWatch('commissionKind', form) ?? 'rate';
  const brokers = useQuery({ queryKey: ['brokers'], queryFn: () => call(api.GET('/brokers', { params: { query: { limit: 100 } } })) });
  const lots = useQuery({
    queryKey: ['mandate-lot-options'],
    enabled: principalType === 'enterprise',
    queryFn: () => call(api.GET('/lots', { params: { query: { limit: 100 } } })),
  });
  const achievements = useQuery({
    queryKey: ['mandate-achievement-options'],
    enabled: principalType === 'holder',
    queryFn: async () => (await call(api.GET('/achievements', { params: { query: { limit: 100 } } }))) as unknown as { items: { id: string; title: string }[] },
  });
  const submit = async (v: GrantForm) => {
    setBusy(true);
    try {
      const fixed = v.commissionKind === 'fixed' ? fenFromYuan(v.fixedYuan) : null;
      await call(
        api.POST('/mandates', {
          body: {
            brokerOrganizationId: v.brokerOrganizationId,
            achievementIds: v.achievementIds ?? [],
            lotIds: v.lotIds ?? [],
            permissions: v.permissions,
            endsOn: v.endsOn.format('YYYY-MM-DD'),
            ...(v.commissionKind === 'rate'
              ? { commissionRateBp: Math.round((v.ratePercent ?? 0) * 100) }
              : { commissionFixedFen: fixed === null ? String(v.fixedYuan ?? '') : fixed.toString() }),
            ...(v.note ? { note: v.note } : {}),
          },
        }),
      );
      void message.success(t('broker.mandate.granted'));
      form.resetFields();
      onGranted();
    } catch (err) {
      if (err instanceof ApiError && err.body.details?.length) {
        const errors = err.fieldErrors();
        const rename: Record<string, keyof GrantForm> = { commissionRateBp: kind === 'rate' ? 'ratePercent' : 'fixedYuan', commissionFixedFen: 'fixedYuan' };
        form.setFields(Object.entries(errors).map(([field, msg]) => ({ name: rename[field] ?? (field as keyof GrantForm), errors: [msg] })));
      } else void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(v) => void submit(v)}
      initialValues={{ commissionKind: 'rate', permissions: [PERMISSIONS_OF[principalType][0]] }}
    >
      <Form.Item name="brokerOrganizationId" label={t('broker.mandate.broker')} rules={[{ required: true }]}>
        <Select
          aria-label={t('broker.mandate.broker')}
          loading={brokers.isLoading}
          options={(brokers.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }))}
          showSearch
          optionFilterProp="label"
        />
      </Form.Item>
      {principalType === 'holder' ? (
        <Form.Item name="achievementIds" label={t('broker.mandate.achievements')} rules={[{ required: true }]}>
          <Select
            mode="multiple"
            aria-label={t('broker.mandate.achievements')}
            options={(achievements.data?.items ?? []).map((a) => ({ value: a.id, label: a.title }))}
            optionFilterProp="label"
          />
        </Form.Item>
      ) : (
        <Form.Item name="lotIds" label={t('broker.mandate.lots')} rules={[{ required: true }]}>
          <Select
            mode="multiple"
            aria-label={t('broker.mandate.lots')}
            options={(lots.data?.items ?? []).map((l) => ({ value: l.id, label: l.title }))}
            optionFilterProp="label"
          />
        </Form.Item>
      )}
      <Form.Item name="permissions" label={t('broker.mandate.permissions')} rules={[{ required: true }]} extra={t('broker.mandate.signingNever')}>
        <Checkbox.Group options={PERMISSIONS_OF[principalType].map((p) => ({ value: p, label: t(`broker.mandate.perm.${p}`) }))} />
      </Form.Item>
      <Alert type="info" showIcon message={t('broker.mandate.signingNever')} style={{ marginBottom: 16 }} />
      <Form.Item name="endsOn" label={t('broker.mandate.endsOn')} rules={[{ required: true }]} extra={t('broker.mandate.endsOnHelp')}>
        <DatePicker aria-label={t('broker.mandate.endsOn')} />
      </Form.Item>
      <Form.Item name="commissionKind" label={t('broker.mandate.commissionKind')} extra={t('broker.mandate.commissionRule')}>
        <Radio.Group
          options={[
            { value: 'rate', label: t('broker.mandate.rate') },
            { value: 'fixed', label: t('broker.mandate.fixed') },
          ]}
        />
      </Form.Item>
      {kind === 'rate' ? (
        <Form.Item name="ratePercent" label={t('broker.mandate.ratePercent')} rules={[{ required: true }]}>
          <InputNumber aria-label={t('broker.mandate.ratePercent')} min={0.01} max={100} step={0.5} precision={2} />
        </Form.Item>
      ) : (
        <Form.Item name="fixedYuan" label={t('broker.mandate.fixedYuan')} rules={[{ required: true }]}>
          <Input aria-label={t('broker.mandate.fixedYuan')} inputMode="decimal" />
        </Form.Item>
      )}
      <Form.Item name="note" label={t('broker.mandate.note')}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('broker.mandate.submit')}
      </Button>
    </Form>
  );
}

/** What the broker did under a mandate, newest first (the audit log's "by broker X for Y"). */
export function MandateActions({ mandateId }: { mandateId: string }) {
  const { t } = useTranslation();
  const table = useServerTable(10);
  const actions = useQuery({
    queryKey: ['mandate-actions', mandateId, table.query],
    queryFn: () => call(api.GET('/mandates/{id}/actions', { params: { path: { id: mandateId }, query: table.query } })),
  });
  if (actions.error) return <QueryError error={actions.error} onRetry={() => void actions.refetch()} />;
  return (
    <Table<MandateAction>
      rowKey="id"
      size="small"
      loading={actions.isLoading}
      locale={{ emptyText: t('broker.mandate.noActions') }}
      {...table.tableProps(actions.data)}
      columns={[
        { key: 'at', title: t('broker.mandate.at'), render: (_, a) => beijingDateTime(a.occurredAt) },
        { key: 'action', title: t('broker.mandate.permissions'), render: (_, a) => <Tag>{t(`broker.mandate.permShort.${a.action}`)}</Tag> },
        {
          key: 'operation',
          title: t('broker.mandate.operation'),
          render: (_, a) => <Tooltip title={a.operation}>{OPERATIONS[a.operation] ? t(`broker.operation.${OPERATIONS[a.operation]}`) : a.operation}</Tooltip>,
        },
        { key: 'resource', title: t('broker.mandate.resource'), render: (_, a) => a.achievementTitle ?? a.resourceId },
        { key: 'by', title: t('broker.mandate.by'), render: (_, a) => a.actorName ?? a.actorUserId },
      ]}
    />
  );
}

/** The mandates table shared by the principal's tab and the broker's desk. */
export function MandatesTable({
  viewer,
  onRevoke,
  onAct,
}: {
  viewer: 'principal' | 'broker';
  onRevoke?: (m: Mandate) => void;
  /** the broker's desk: list an achievement of a holder's mandate that allows it */
  onAct?: (m: Mandate) => void;
}) {
  const { t } = useTranslation();
  const table = useServerTable();
  const [expanded, setExpanded] = useState<string[]>([]);
  const toggle = (id: string) => setExpanded((keys) => (keys.includes(id) ? keys.filter((k) => k !== id) : [...keys, id]));
  const mandates = useQuery({ queryKey: ['mandates', table.query], queryFn: () => call(api.GET('/mandates', { params: { query: table.query } })) });
  if (mandates.error) return <QueryError error={mandates.error} onRetry={() => void mandates.refetch()} />;
  return (
    <>
      <Table<Mandate>
        rowKey="id"
        loading={mandates.isLoading}
        locale={{ emptyText: t('broker.mandate.none') }}
        {...table.tableProps(mandates.data)}
        expandable={{ expandedRowKeys: expanded, showExpandColumn: false, expandedRowRender: (m) => <MandateActions mandateId={m.id} /> }}
        columns={[
          viewer === 'principal'
            ? { key: 'broker', title: t('broker.mandate.broker'), render: (_, m) => m.brokerName }
            : { key: 'principal', title: t('broker.mandate.principal'), render: (_, m) => m.principalName },
          {
            key: 'scope',
            title: t('broker.mandate.scope'),
            render: (_, m) => (
              <span>
                {m.achievementIds.length ? `${t('broker.mandate.achievements')} ${m.achievementIds.length}` : ''}
                {m.achievementIds.length && m.lotIds.length ? ' · ' : ''}
                {m.lotIds.length ? `${t('broker.mandate.lots')} ${m.lotIds.length}` : ''}
              </span>
            ),
          },
          {
            key: 'permissions',
            title: t('broker.mandate.permissions'),
            render: (_, m) => m.permissions.map((p) => <Tag key={p}>{t(`broker.mandate.permShort.${p}`)}</Tag>),
          },
          { key: 'endsOn', title: t('broker.mandate.endsOn'), render: (_, m) => businessDate(m.endsOn) },
          {
            key: 'commission',
            title: t('broker.mandate.commission'),
            render: (_, m) => <CommissionTerms rateBp={m.commissionRateBp} fixedFen={m.commissionFixedFen} />,
          },
          { key: 'status', title: t('broker.mandate.status'), render: (_, m) => <MandateStatus status={m.status} /> },
          { key: 'actionCount', title: t('broker.mandate.actionCount'), dataIndex: 'actionCount' },
          {
            key: 'ops',
            title: '',
            render: (_, m) => (
              <Space>
                <Button size="small" onClick={() => toggle(m.id)}>
                  {t('broker.mandate.actions')}
                </Button>
                {onAct && m.status === 'active' && m.principalType === 'holder' && m.permissions.includes('list') ? (
                  <Button size="small" type="primary" onClick={() => onAct(m)}>
                    {t('broker.act.list')}
                  </Button>
                ) : null}
                {onRevoke && m.status === 'active' ? (
                  <Button size="small" danger onClick={() => onRevoke(m)}>
                    {t('broker.mandate.revoke')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

/** A principal's mandates to brokers (holder or enterprise administrators): grant, list, revoke, the broker's actions. */
export function MandatesTab({ principalType }: { principalType: 'holder' | 'enterprise' }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [granting, setGranting] = useState(false);
  const refresh = () => void client.invalidateQueries({ queryKey: ['mandates'] });
  const revoke = (m: Mandate) =>
    Modal.confirm({
      title: `${t('broker.mandate.revoke')} · ${m.brokerName}`,
      content: t('broker.mandate.revokeConfirm'),
      onOk: async () => {
        try {
          await call(api.POST('/mandates/{id}/revoke', { params: { path: { id: m.id } }, body: {} }));
          void message.success(t('broker.mandate.revoked'));
          refresh();
        } catch (err) {
          void message.error(errorText(err));
        }
      },
    });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('broker.mandate.intro')}</Typography.Paragraph>
      <Button type="primary" onClick={() => setGranting(true)}>
        {t('broker.mandate.grant')}
      </Button>
      <MandatesTable viewer="principal" onRevoke={revoke} />
      <Drawer open={granting} onClose={() => setGranting(false)} size="large" title={t('broker.mandate.grant')} destroyOnHidden>
        <GrantMandate
          principalType={principalType}
          onGranted={() => {
            setGranting(false);
            refresh();
          }}
        />
      </Drawer>
    </Space>
  );
}

export default MandatesTab;

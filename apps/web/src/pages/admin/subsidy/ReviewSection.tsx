import { lazy, Suspense, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  message,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useCurrentUser } from '../../../components/AppLayout';
import { Money } from '../../../components/Money';
import { QueryError } from '../../../components/QueryError';
import { hasRole } from '../../../lib/auth';
import { beijingDateTime, fenFromYuan } from '../../../lib/format';
import { useServerTable } from '../../../lib/useServerTable';
import { saveBlob } from './download';
import { Explanation, type ExplanationData } from './Explanation';

const BudgetChart = lazy(() => import('./BudgetChart'));

type Application = components['schemas']['SubsidyApplicationDto'];
type Candidate = components['schemas']['SubsidyCandidateDto'];
type Batch = components['schemas']['SubsidyBatchDto'];
type Status = Application['status'];
const STATUSES: Status[] = ['submitted', 'reviewed', 'approved', 'rejected', 'batched', 'paid', 'withdrawn'];

function StatusTag({ status }: { status: Status }) {
  const { t } = useTranslation();
  const color = { submitted: 'blue', reviewed: 'gold', approved: 'green', rejected: 'red', batched: 'purple', paid: 'cyan', withdrawn: undefined }[status];
  return (
    <Tooltip title={t(`authority.review.statusRules.${status}`)}>
      <Tag color={color} data-testid="application-status">
        {t(`authority.review.statuses.${status}`)}
      </Tag>
    </Tooltip>
  );
}

function Budget() {
  const { t } = useTranslation();
  const budget = useQuery({
    queryKey: ['subsidy-budget'],
    queryFn: () => call(api.GET('/subsidy-reports/budget', { params: { query: { status: 'active', limit: 20 } } })),
  });
  const labels = {
    paid: t('authority.review.budgetPaid'),
    reserved: t('authority.review.budgetReserved'),
    left: t('authority.review.budgetLeft'),
    unit: t('money.yuan'),
  };
  return (
    <Card size="small" title={t('authority.review.budgetTitle')} style={{ marginBottom: 12 }} data-testid="budget">
      {budget.isLoading ? (
        <Spin />
      ) : !budget.data?.items.length ? (
        <Empty />
      ) : (
        <>
          <Suspense fallback={<Spin />}>
            <BudgetChart rows={budget.data.items} labels={labels} />
          </Suspense>
          <Table
            size="small"
            rowKey="policyId"
            pagination={false}
            dataSource={budget.data.items}
            columns={[
              { title: t('authority.review.policy'), render: (_, r) => r.name },
              { title: t('authority.policy.budget'), render: (_, r) => <Money fen={r.budgetFen} /> },
              { title: t('authority.review.budgetUsed'), render: (_, r) => `${r.usedPercent}%` },
              {
                title: t('authority.review.budgetLeft'),
                render: (_, r) => (
                  <span data-testid="budget-left">
                    <Money fen={r.remainingFen} />
                  </span>
                ),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

function ApplicationDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [form] = Form.useForm<{ decision: 'approve' | 'adjust' | 'reject'; amountYuan?: string; reason: string }>();
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const detail = useQuery({
    queryKey: ['subsidy-application', id],
    enabled: !!id,
    queryFn: () => call(api.GET('/subsidy-applications/{id}', { params: { path: { id: id! } } })),
  });
  const a = detail.data;
  const mayDecide = hasRole(user, 'authority_admin') && a?.authorityId === user?.organizationId;
  const name = (by: string, byName: string | null) => `${byName ?? by.slice(0, 8)}${by === user?.id ? t('authority.common.you') : ''}`;

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setRefusal(null);
    try {
      await run();
      void message.success(t('authority.review.decided'));
      setReason('');
      form.resetFields();
      await detail.refetch();
      onChanged();
    } catch (err) {
      if (err instanceof ApiError) {
        setRefusal(err.message);
        form.setFields((err.body.details ?? []).map((d) => ({ name: (d.field === 'amountFen' ? 'amountYuan' : d.field) as 'reason', errors: [d.message] })));
      }
    } finally {
      setBusy(false);
    }
  };
  const decision = Form.useWatch('decision', form);

  return (
    <Drawer open={!!id} onClose={onClose} width={760} title={t('authority.review.detail')} data-testid="application-drawer" destroyOnHidden>
      {!a ? (
        <Spin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="application-detail">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('authority.review.enterprise')}>{a.enterprise.name}</Descriptions.Item>
            <Descriptions.Item label={t('authority.review.status')}>
              <StatusTag status={a.status} />
              <div className="muted">{t(`authority.review.statusRules.${a.status}`)}</div>
            </Descriptions.Item>
            <Descriptions.Item label={t('authority.review.policy')}>
              {a.policy.name}（{a.policy.documentNumber}，{t('authority.policy.version')} {a.policy.version}）
            </Descriptions.Item>
            <Descriptions.Item label={t('authority.review.subject')}>
              {a.subjectLabel ?? a.subjectId} · {a.year}
            </Descriptions.Item>
            <Descriptions.Item label={t('authority.review.computed')}>
              <Money fen={a.computedFen} />
            </Descriptions.Item>
            <Descriptions.Item label={t('authority.review.recommended')}>
              <Money fen={a.recommendedFen} />
            </Descriptions.Item>
            <Descriptions.Item label={t('authority.review.approved')}>
              <Money fen={a.approvedFen} strong />
            </Descriptions.Item>
            <Descriptions.Item label={t('authority.review.payee')}>
              {a.payee.accountName} · {a.payee.bankName} · {a.payee.accountNumber}
            </Descriptions.Item>
            {a.statement && (
              <Descriptions.Item label={t('authority.review.statement')} span={2}>
                {a.statement}
              </Descriptions.Item>
            )}
            {a.attachments.length > 0 && (
              <Descriptions.Item label={t('authority.review.attachments')} span={2}>
                {a.attachments.map((f, i) => (
                  <Tag key={i}>{String((f as { name?: string }).name ?? '')}</Tag>
                ))}
              </Descriptions.Item>
            )}
          </Descriptions>

          <Card size="small" title={t('authority.review.explanation')}>
            <Explanation explanation={(a.approvalExplanation ?? a.explanation) as unknown as ExplanationData} />
          </Card>

          <div data-testid="four-eyes">
            {a.review && (
              <Alert
                type="info"
                data-testid="reviewed-by"
                message={t('authority.review.reviewedBy', {
                  name: name(a.review.by, a.review.byName),
                  at: beijingDateTime(a.review.at),
                  decision: t(`authority.review.decisions.${a.review.decision}`),
                  reason: a.review.reason,
                })}
              />
            )}
            {a.decision && (
              <Alert
                style={{ marginTop: 8 }}
                type="success"
                data-testid="decided-by"
                message={t('authority.review.decidedBy', {
                  name: name(a.decision.by, a.decision.byName),
                  at: beijingDateTime(a.decision.at),
                  reason: a.decision.reason,
                })}
              />
            )}
          </div>

          {refusal && <Alert type="error" showIcon data-testid="decision-error" message={t('authority.review.refused', { message: refusal })} />}

          {mayDecide && a.status === 'submitted' && (
            <Card size="small" title={t('authority.review.reviewTitle')}>
              <Form
                form={form}
                layout="vertical"
                initialValues={{ decision: 'approve' }}
                onFinish={(v) =>
                  void act(() =>
                    call(
                      api.POST('/subsidy-applications/{id}/review', {
                        params: { path: { id: a.id } },
                        body: {
                          decision: v.decision,
                          reason: v.reason,
                          ...(v.decision === 'adjust' ? { amountFen: fenFromYuan(v.amountYuan)?.toString() ?? String(v.amountYuan ?? '') } : {}),
                        },
                      }),
                    ),
                  )
                }
              >
                <Form.Item name="decision" label={t('authority.review.decision')}>
                  <Radio.Group data-testid="review-decision">
                    {(['approve', 'adjust', 'reject'] as const).map((d) => (
                      <Radio.Button key={d} value={d}>
                        {t(`authority.review.decisions.${d}`)}
                      </Radio.Button>
                    ))}
                  </Radio.Group>
                </Form.Item>
                {decision === 'adjust' && (
                  <Form.Item name="amountYuan" label={t('authority.review.adjustAmount')} rules={[{ required: true }]}>
                    <Input inputMode="decimal" style={{ width: 200 }} />
                  </Form.Item>
                )}
                <Form.Item name="reason" label={t('authority.review.reason')} rules={[{ required: true }]}>
                  <Input.TextArea rows={2} data-testid="review-reason" />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="submit-review">
                  {t('authority.review.submitReview')}
                </Button>
              </Form>
            </Card>
          )}

          {mayDecide && a.status === 'reviewed' && (
            <Card size="small" title={t('authority.review.approveTitle')}>
              {a.review?.by === user?.id ? (
                <Alert type="warning" showIcon data-testid="four-eyes-you" message={t('authority.review.fourEyesYou')} style={{ marginBottom: 8 }} />
              ) : (
                <Alert
                  type="info"
                  showIcon
                  message={t('authority.review.fourEyesOther', { name: a.review ? name(a.review.by, a.review.byName) : '—' })}
                  style={{ marginBottom: 8 }}
                />
              )}
              <Input.TextArea
                rows={2}
                data-testid="decision-reason"
                placeholder={t('authority.review.reason')}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              <Space style={{ marginTop: 8 }}>
                <Button
                  type="primary"
                  data-testid="approve"
                  loading={busy}
                  onClick={() => void act(() => call(api.POST('/subsidy-applications/{id}/approve', { params: { path: { id: a.id } }, body: { reason } })))}
                >
                  {t('authority.review.approve')}
                </Button>
                <Button
                  danger
                  data-testid="reject"
                  loading={busy}
                  onClick={() => void act(() => call(api.POST('/subsidy-applications/{id}/reject', { params: { path: { id: a.id } }, body: { reason } })))}
                >
                  {t('authority.review.reject')}
                </Button>
              </Space>
            </Card>
          )}

          {mayDecide && a.status === 'approved' && (
            <Card size="small" title={t('authority.review.revoke')}>
              <Input.TextArea rows={2} placeholder={t('authority.review.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
              <Button
                danger
                style={{ marginTop: 8 }}
                loading={busy}
                onClick={() => void act(() => call(api.POST('/subsidy-applications/{id}/reject', { params: { path: { id: a.id } }, body: { reason } })))}
              >
                {t('authority.review.revoke')}
              </Button>
            </Card>
          )}
        </Space>
      )}
    </Drawer>
  );
}

function Applications({ onBatched }: { onBatched: () => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const client = useQueryClient();
  const table = useServerTable(20);
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const list = useQuery({
    queryKey: ['admin-subsidy-applications', status, table.query],
    queryFn: () => call(api.GET('/subsidy-applications', { params: { query: { ...table.query, ...(status ? { status } : {}) } } })),
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  const isAuthority = hasRole(user, 'authority_admin');
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          data-testid="status-filter"
          placeholder={t('authority.review.allStatuses')}
          style={{ width: 160 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setSelected([]);
            table.reset();
          }}
          options={STATUSES.map((s) => ({ value: s, label: t(`authority.review.statuses.${s}`) }))}
        />
        {isAuthority && (
          <>
            <Input placeholder={t('authority.review.batchNote')} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 240 }} />
            <Button
              type="primary"
              data-testid="create-batch"
              disabled={!selected.length}
              onClick={() =>
                void call(api.POST('/subsidy-batches', { body: { applicationIds: selected, ...(note.trim() ? { note } : {}) } })).then(
                  () => {
                    setSelected([]);
                    setNote('');
                    void list.refetch();
                    onBatched();
                  },
                  (err: unknown) => {
                    if (err instanceof ApiError) void message.error(err.message);
                  },
                )
              }
            >
              {t('authority.review.newBatch', { count: selected.length })}
            </Button>
          </>
        )}
      </Space>
      <Table<Application>
        size="small"
        rowKey="id"
        scroll={{ x: true }}
        data-testid="applications"
        loading={list.isLoading}
        rowSelection={
          isAuthority
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys as string[]),
                getCheckboxProps: (a) => ({ disabled: a.status !== 'approved' || a.authorityId !== user?.organizationId }),
              }
            : undefined
        }
        {...table.tableProps(list.data)}
        columns={[
          { title: t('authority.review.enterprise'), render: (_, a) => a.enterprise.name },
          {
            title: t('authority.review.policy'),
            render: (_, a) => (
              <>
                {a.policy.name}
                <div className="muted">{a.subjectLabel ?? ''}</div>
              </>
            ),
          },
          { title: t('authority.review.year'), dataIndex: 'year' },
          { title: t('authority.review.computed'), render: (_, a) => <Money fen={a.computedFen} /> },
          { title: t('authority.review.approved'), render: (_, a) => <Money fen={a.approvedFen ?? a.recommendedFen} /> },
          { title: t('authority.review.status'), render: (_, a) => <StatusTag status={a.status} /> },
          { title: t('authority.review.reviewer'), render: (_, a) => a.review?.byName ?? '—' },
          { title: t('authority.review.approver'), render: (_, a) => a.decision?.byName ?? '—' },
          {
            title: '',
            render: (_, a) => (
              <Button size="small" data-testid="open-application" onClick={() => setOpen(a.id)}>
                {t('authority.review.open')}
              </Button>
            ),
          },
        ]}
      />
      <ApplicationDrawer
        id={open}
        onClose={() => setOpen(null)}
        onChanged={() => {
          void list.refetch();
          void client.invalidateQueries({ queryKey: ['subsidy-budget'] });
        }}
      />
    </div>
  );
}

function Candidates() {
  const { t } = useTranslation();
  const table = useServerTable(20);
  const list = useQuery({
    queryKey: ['admin-subsidy-candidates', table.query],
    queryFn: () => call(api.GET('/subsidy-candidates', { params: { query: table.query } })),
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('authority.review.candidateRule')}</Typography.Paragraph>
      <Table<Candidate>
        size="small"
        rowKey="id"
        scroll={{ x: true }}
        loading={list.isLoading}
        {...table.tableProps(list.data)}
        expandable={{ expandedRowRender: (c) => <Explanation explanation={c.explanation as unknown as ExplanationData} /> }}
        columns={[
          { title: t('authority.review.policy'), render: (_, c) => `${c.policy.name}（${c.policy.documentNumber}）` },
          { title: t('authority.review.year'), dataIndex: 'year' },
          { title: t('authority.review.computed'), render: (_, c) => <Money fen={c.amountFen} /> },
          {
            title: t('authority.review.status'),
            render: (_, c) =>
              c.eligible ? (
                <Tag color="green">{t('authority.review.eligible')}</Tag>
              ) : (
                <Tag>{t('authority.review.notEligible', { reason: c.failedCondition ?? '' })}</Tag>
              ),
          },
          { title: t('authority.review.applications'), render: (_, c) => (c.applicationStatus ? t(`authority.review.statuses.${c.applicationStatus}`) : '—') },
        ]}
      />
    </div>
  );
}

function Batches() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const table = useServerTable(20);
  const [paying, setPaying] = useState<Batch | null>(null);
  const [form] = Form.useForm<{ paymentReference: string; paidOn: string }>();
  const list = useQuery({
    queryKey: ['subsidy-batches', table.query],
    queryFn: () => call(api.GET('/subsidy-batches', { params: { query: table.query } })),
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  const isAuthority = hasRole(user, 'authority_admin');
  const download = async (b: Batch, format: 'csv' | 'xlsx') => {
    try {
      const blob = (await call(api.GET('/subsidy-batches/{id}/export', { params: { path: { id: b.id }, query: { format } }, parseAs: 'blob' }))) as Blob;
      saveBlob(blob, `${b.number}.${format}`);
      void list.refetch();
    } catch (err) {
      if (err instanceof ApiError) void message.error(err.message);
    }
  };
  return (
    <div>
      <Table<Batch>
        size="small"
        rowKey="id"
        scroll={{ x: true }}
        data-testid="batches"
        loading={list.isLoading}
        {...table.tableProps(list.data)}
        columns={[
          { title: t('authority.review.batchNumber'), render: (_, b) => <span data-testid="batch-number">{b.number}</span> },
          { title: t('authority.review.batchNote'), render: (_, b) => b.note ?? '—' },
          { title: t('authority.review.batchCount'), dataIndex: 'applications' },
          { title: t('authority.review.batchTotal'), render: (_, b) => <Money fen={b.totalFen} /> },
          {
            title: t('authority.review.status'),
            render: (_, b) => (
              <Tooltip title={t(`authority.review.batchRules.${b.status}`)}>
                <Tag color={b.status === 'paid' ? 'cyan' : b.status === 'exported' ? 'gold' : 'blue'} data-testid="batch-status">
                  {t(`authority.review.batchStatus.${b.status}`)}
                </Tag>
              </Tooltip>
            ),
          },
          { title: t('authority.review.paidOn'), render: (_, b) => (b.paidOn ? `${b.paidOn} · ${b.paymentReference ?? ''}` : '—') },
          {
            title: t('authority.common.actions'),
            render: (_, b) =>
              isAuthority && b.authorityId === user?.organizationId ? (
                <Space size={4} wrap>
                  <Button size="small" data-testid="export-csv" onClick={() => void download(b, 'csv')}>
                    {t('authority.review.exportCsv')}
                  </Button>
                  <Button size="small" data-testid="export-xlsx" onClick={() => void download(b, 'xlsx')}>
                    {t('authority.review.exportXlsx')}
                  </Button>
                  {b.status !== 'paid' && (
                    <Button size="small" type="primary" data-testid="mark-paid" onClick={() => setPaying(b)}>
                      {t('authority.review.markPaid')}
                    </Button>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={!!paying}
        title={`${t('authority.review.markPaid')} · ${paying?.number ?? ''}`}
        onCancel={() => setPaying(null)}
        okButtonProps={{ 'data-testid': 'confirm-paid' } as React.ComponentProps<typeof Button>}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('authority.review.batchRules.exported')}</Typography.Paragraph>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ paidOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()) }}
          onFinish={(v) =>
            void call(api.POST('/subsidy-batches/{id}/paid', { params: { path: { id: paying!.id } }, body: v })).then(
              () => {
                void message.success(t('authority.review.paidDone'));
                setPaying(null);
                void list.refetch();
              },
              (err: unknown) => {
                if (err instanceof ApiError) {
                  form.setFields((err.body.details ?? []).map((d) => ({ name: d.field as 'paidOn', errors: [d.message] })));
                  if (!err.body.details?.length) void message.error(err.message);
                }
              },
            )
          }
        >
          <Form.Item name="paymentReference" label={t('authority.review.paymentReference')} rules={[{ required: true }]}>
            <Input data-testid="payment-reference" />
          </Form.Item>
          <Form.Item name="paidOn" label={t('authority.review.paidOn')} rules={[{ required: true }]}>
            <Input type="date" data-testid="paid-on" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

/** Review and settlement: budget per policy, candidates, applications (four eyes), settlement batches. */
export default function ReviewSection() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [tab, setTab] = useState('applications');
  return (
    <div data-testid="admin-subsidy-review">
      <Typography.Paragraph type="secondary">{t('authority.review.intro')}</Typography.Paragraph>
      <Budget />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'applications',
            label: t('authority.review.applications'),
            children: <Applications onBatched={() => void client.invalidateQueries({ queryKey: ['subsidy-batches'] })} />,
          },
          { key: 'candidates', label: t('authority.review.candidates'), children: <Candidates /> },
          { key: 'batches', label: t('authority.review.batches'), children: <Batches /> },
        ]}
      />
    </div>
  );
}

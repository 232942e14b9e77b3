import { useState } from 'react';
import { Alert, Button, Card, Input, List, Select, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { QueryError } from '../../../components/QueryError';
import { useServerTable } from '../../../lib/useServerTable';

type Row = components['schemas']['HolderRegistryRowDto'];
type Sort = 'name' | 'late' | 'overdueUnregistered' | 'useFirst' | 'freeLicenseEligible';
interface Preview {
  scanDate: string;
  counts?: { listed: number; eligible: number; suspended: number; released: number };
  achievements?: { holderId: string; toState: string; achievementIds: string[] }[];
}

const todayInBeijing = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

function Rule({ label, rule }: { label: string; rule: string }) {
  return (
    <Tooltip title={rule}>
      <span>{label} ⓘ</span>
    </Tooltip>
  );
}

function ScanPreview({ names }: { names: Map<string, string> }) {
  const { t } = useTranslation();
  const [date, setDate] = useState(() => `${Number(todayInBeijing().slice(0, 4)) + 1}-06-30`);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const status = useQuery({
    queryKey: ['scan', jobId],
    enabled: !!jobId,
    queryFn: () => call(api.GET('/compliance/scans/{jobId}', { params: { path: { jobId: jobId! } } })),
    refetchInterval: (q) => (q.state.data && ['completed', 'failed'].includes(q.state.data.state) ? false : 500),
  });
  const result = status.data?.state === 'completed' ? (status.data.result as unknown as Preview) : null;
  return (
    <Card size="small" title={t('authority.compliance.scan')} data-testid="scan-preview">
      <Typography.Paragraph type="secondary">{t('authority.compliance.scanRule')}</Typography.Paragraph>
      <Space>
        <span>{t('authority.compliance.scanDate')}</span>
        <Input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="scan-date" />
        <Button
          type="primary"
          data-testid="run-scan"
          loading={!!jobId && !result && status.data?.state !== 'failed'}
          onClick={() => {
            setError(null);
            void call(api.POST('/compliance/scans', { body: { date } })).then(
              (started) => setJobId(started.jobId),
              (err: unknown) => setError(err instanceof ApiError ? err.message : String(err)),
            );
          }}
        >
          {t('authority.compliance.runScan')}
        </Button>
      </Space>
      {error && <Alert type="error" style={{ marginTop: 8 }} message={error} />}
      {status.data?.state === 'failed' && <Alert type="error" style={{ marginTop: 8 }} message={status.data.failedReason} />}
      {result?.counts && (
        <div style={{ marginTop: 12 }} data-testid="scan-result">
          <Typography.Text strong>
            {result.scanDate}：{t('authority.compliance.scanCounts', result.counts)}
          </Typography.Text>
          {result.achievements?.length ? (
            <List
              size="small"
              dataSource={result.achievements}
              renderItem={(a) => (
                <List.Item>
                  {t('authority.compliance.scanHolder', {
                    holder: names.get(a.holderId) ?? a.holderId.slice(0, 8),
                    state: t(`authority.compliance.toStates.${a.toState}`, { defaultValue: a.toState }),
                    count: a.achievementIds.length,
                  })}
                </List.Item>
              )}
            />
          ) : (
            <Typography.Paragraph type="secondary">{t('authority.compliance.scanNothing')}</Typography.Paragraph>
          )}
        </div>
      )}
    </Card>
  );
}

/** The compliance overview for authorities: P-REG, P-2Y and P-3Y per holder, justified reasons pending, a scan preview. */
export default function ComplianceSection() {
  const { t } = useTranslation();
  const table = useServerTable(20);
  const [sort, setSort] = useState<Sort>('overdueUnregistered');
  const holders = useQuery({
    queryKey: ['registry-holders', sort, table.query],
    queryFn: () => call(api.GET('/registry/holders', { params: { query: { ...table.query, sort } } })),
  });
  const justifications = useQuery({
    queryKey: ['justifications-pending'],
    queryFn: async () => {
      // the list is the review console's (pages/admin/review); a plain array today, one page of the usual shape later
      const { data, error, response } = (await api.GET('/justifications', { params: { query: { status: 'pending' } } } as never)) as {
        data?: unknown;
        error?: unknown;
        response: Response;
      };
      if (error || !response.ok) throw new Error(`justifications: ${response.status}`);
      const body = data;
      return Array.isArray(body) ? body.length : ((body as { total?: number } | undefined)?.total ?? 0);
    },
  });
  if (holders.error) return <QueryError error={holders.error} onRetry={() => void holders.refetch()} />;
  const names = new Map((holders.data?.items ?? []).map((h) => [h.holderId, h.holderName]));
  const count = (key: keyof Row, danger = false) => ({
    dataIndex: key,
    align: 'right' as const,
    render: (n: number) => <Typography.Text type={danger && n > 0 ? 'danger' : undefined}>{n}</Typography.Text>,
  });
  return (
    <div data-testid="admin-compliance">
      <Typography.Paragraph type="secondary">{t('authority.compliance.intro')}</Typography.Paragraph>
      <Space align="start" wrap style={{ marginBottom: 12 }}>
        <Card size="small">
          <Tooltip title={t('authority.compliance.justificationsRule')}>
            <Statistic title={`${t('authority.compliance.justificationsPending')} ⓘ`} value={justifications.data ?? '—'} />
          </Tooltip>
        </Card>
        <Space>
          <span>{t('authority.compliance.sort')}</span>
          <Select<Sort>
            style={{ width: 200 }}
            value={sort}
            data-testid="registry-sort"
            onChange={(v) => {
              setSort(v);
              table.reset();
            }}
            options={(['name', 'late', 'overdueUnregistered', 'useFirst', 'freeLicenseEligible'] as const).map((s) => ({
              value: s,
              label: t(`authority.compliance.sorts.${s}`),
            }))}
          />
        </Space>
      </Space>
      <Table<Row>
        size="small"
        rowKey="holderId"
        scroll={{ x: true }}
        data-testid="registry-holders"
        loading={holders.isLoading}
        {...table.tableProps(holders.data)}
        columns={[
          { title: t('authority.compliance.holder'), dataIndex: 'holderName' },
          { title: <Rule label={t('authority.compliance.onTime')} rule={t('authority.compliance.rules.reg')} />, ...count('onTime') },
          { title: <Rule label={t('authority.compliance.late')} rule={t('authority.compliance.rules.reg')} />, ...count('late', true) },
          { title: <Rule label={t('authority.compliance.pending')} rule={t('authority.compliance.rules.reg')} />, ...count('pending') },
          {
            title: <Rule label={t('authority.compliance.overdueUnregistered')} rule={t('authority.compliance.rules.reg')} />,
            ...count('overdueUnregistered', true),
          },
          { title: <Rule label={t('authority.compliance.useFirst')} rule={t('authority.compliance.rules.useFirst')} />, ...count('useFirst') },
          {
            title: <Rule label={t('authority.compliance.freeLicenseEligible')} rule={t('authority.compliance.rules.eligible')} />,
            ...count('freeLicenseEligible'),
          },
          { title: <Rule label={t('authority.compliance.suspended')} rule={t('authority.compliance.rules.suspended')} />, ...count('suspended') },
        ]}
      />
      <div style={{ marginTop: 16 }}>
        <ScanPreview names={names} />
      </div>
    </div>
  );
}

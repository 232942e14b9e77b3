import { useState } from 'react';
import { Card, Col, Row, Select, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { QueryError } from '../../../components/QueryError';
import { ZHEJIANG_CITIES } from '../../../lib/regions';
import { useServerTable } from '../../../lib/useServerTable';

type Row = components['schemas']['ComplianceHolderRowDto'];
const COUNTS = [
  'overdueUnregistered',
  'registeredLate',
  'registrationPending',
  'registeredOnTime',
  'useFirst',
  'freeLicenseEligible',
  'suspended',
  'justificationsPending',
  'justificationsApproved',
] as const;
const ATTENTION: readonly string[] = ['overdueUnregistered', 'registeredLate', 'useFirst', 'freeLicenseEligible', 'justificationsPending'];

/** "杭州市（330100）", or the bare code when it is not a city of the list; "—" for every region. */
function regionName(code: string | null, language: string): string {
  if (!code) return '—';
  const city = ZHEJIANG_CITIES.find((c) => c.code === code);
  return city ? `${language === 'en' ? city.en : city.zh}（${code}）` : code;
}

function Head({ label, rule }: { label: string; rule: string }) {
  return (
    <Tooltip title={rule}>
      <span>{label} ⓘ</span>
    </Tooltip>
  );
}

/** P-REG / P-2Y / P-3Y per holder of the authority's region (the API narrows to its jurisdiction). */
export default function ComplianceDashboard() {
  const { t, i18n } = useTranslation();
  const [region, setRegion] = useState<string | undefined>();
  const table = useServerTable(20);
  const query = { ...(region ? { region } : {}), limit: table.query.limit, offset: table.query.offset };
  const page = useQuery({
    queryKey: ['compliance-dashboard', query],
    queryFn: ({ signal }) => call(api.GET('/compliance/dashboard', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  const d = 'rankings.dashboard';
  const columns: ColumnsType<Row> = [
    { title: t(`${d}.columns.holder`), key: 'holder', fixed: 'left', width: 180, render: (_, r) => r.holderName },
    { title: t(`${d}.columns.region`), key: 'region', width: 90, render: (_, r) => r.regionCode },
    ...COUNTS.map((k) => ({
      title: <Head label={t(`${d}.columns.${k}`)} rule={t(`${d}.rules.${k}`)} />,
      key: k,
      align: 'right' as const,
      render: (_: unknown, r: Row) =>
        ATTENTION.includes(k) && r[k] > 0 ? (
          <Typography.Text type="danger" strong>
            {r[k]}
          </Typography.Text>
        ) : (
          r[k]
        ),
    })),
    { title: t(`${d}.columns.oldestMissedDeadline`), key: 'oldest', width: 120, render: (_, r) => r.oldestMissedDeadline ?? '—' },
  ];
  const totals = page.data?.totals;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="compliance-dashboard">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t(`${d}.intro`)}
      </Typography.Paragraph>
      <Space>
        <span>{t(`${d}.region`)}</span>
        <Select
          data-testid="dashboard-region"
          value={region ?? ''}
          style={{ width: 160 }}
          options={[{ value: '', label: t(`${d}.ownRegion`) }, ...ZHEJIANG_CITIES.map((c) => ({ value: c.code, label: i18n.language === 'en' ? c.en : c.zh }))]}
          onChange={(r: string) => {
            setRegion(r || undefined);
            table.reset();
          }}
        />
        {page.data && (
          <Typography.Text type="secondary">
            {regionName(page.data.region, i18n.language)} · {t(`${d}.holders`, { count: page.data.total })}
          </Typography.Text>
        )}
      </Space>
      {page.error ? <QueryError error={page.error} /> : null}
      {totals && (
        <Card size="small" title={t(`${d}.totals`)} data-testid="dashboard-totals">
          <Row gutter={[16, 8]}>
            {COUNTS.map((k) => (
              <Col key={k} xs={12} sm={8} md={6} lg={4}>
                <Tooltip title={t(`${d}.rules.${k}`)}>
                  <Statistic
                    title={t(`${d}.columns.${k}`)}
                    value={totals[k]}
                    valueStyle={ATTENTION.includes(k) && totals[k] > 0 ? { color: '#c8161d' } : undefined}
                  />
                </Tooltip>
              </Col>
            ))}
          </Row>
        </Card>
      )}
      <Table<Row> rowKey="holderId" size="small" loading={page.isFetching} columns={columns} scroll={{ x: 1400 }} {...table.tableProps(page.data)} />
      {page.data && <Typography.Text type="secondary">{t(`${d}.asOf`, { date: page.data.asOf })}</Typography.Text>}
    </Space>
  );
}

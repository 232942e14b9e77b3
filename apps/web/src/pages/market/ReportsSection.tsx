import { lazy, Suspense, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Segmented, Select, Space, Spin, Statistic, Table, Tabs, Tooltip, Typography, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import type { components } from '../../api/schema';
import { QueryError } from '../../components/QueryError';
import { beijingDateTime, yuan } from '../../lib/format';
import { ZHEJIANG_CITIES } from '../../lib/regions';
import { saveBlob } from '../admin/subsidy/download';

const ReportChart = lazy(() => import('./ReportChart'));

type Figure = components['schemas']['FigureDto'];
type Figures = components['schemas']['ReportFiguresDto'];
type BreakdownRow = components['schemas']['BreakdownRowDto'];
type Kind = 'monthly' | 'quarterly' | 'annual';

const KINDS: Kind[] = ['monthly', 'quarterly', 'annual'];
/** The headline figures, in the order of the statistic cards. */
export const HEADLINE: (keyof Figures)[] = [
  'listings',
  'auctionsHeld',
  'lotsOffered',
  'lotsSold',
  'sellThroughRate',
  'premiumRate',
  'soldStartFen',
  'soldHammerFen',
  'deals',
  'dealValueFen',
  'contractsRegistered',
  'contractValueFen',
  'contractPaidFen',
  'subsidyApprovedFen',
  'subsidyPaidFen',
];
const DIMENSIONS = ['field', 'region', 'holderType', 'theme'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** A figure's value as shown: counts with separators, fen in 元, percents with two decimals. */
export function figureText(f: Figure, unitYuan: string): string {
  if (f.value === null) return '—';
  if (f.unit === 'fen') return yuan(f.value, unitYuan);
  if (f.unit === 'percent') return `${f.value}%`;
  return Number(f.value).toLocaleString('en-US');
}

/** "↑ 12.50%" / "↓ 3.00%" (percentage points for rates), or null when not defined. */
function change(value: string | null, unit: Figure['unit']): { text: string; up: boolean | null } | null {
  if (value === null) return null;
  const n = Number(value);
  const suffix = unit === 'percent' ? ' pp' : '%';
  const abs = value.replace(/^-/, '');
  if (n === 0) return { text: `0${suffix}`, up: null };
  return { text: `${n > 0 ? '↑' : '↓'} ${abs}${suffix}`, up: n > 0 };
}

function Change({ label, value, unit, none, testId }: { label: string; value: string | null; unit: Figure['unit']; none: string; testId: string }) {
  const c = change(value, unit);
  return (
    <span className="market-change" data-testid={testId}>
      {label}{' '}
      {c ? (
        <span style={{ color: c.up === null ? undefined : c.up ? '#cf1322' : '#389e0d' }}>{c.text}</span>
      ) : (
        <Typography.Text type="secondary">{none}</Typography.Text>
      )}
    </span>
  );
}

export function ReportsSection() {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  const [kind, setKind] = useState<Kind>('monthly');
  const [chosen, setChosen] = useState<string | null>(null);
  const [dimension, setDimension] = useState<Dimension>('field');
  const [downloading, setDownloading] = useState<string | null>(null);
  const available = useQuery({
    queryKey: ['reports-available', kind],
    queryFn: () => call(api.GET('/reports/periodic/available', { params: { query: { kind } } })),
  });
  const periods = useMemo(
    () =>
      (available.data?.items ?? [])
        .filter((r) => r.kind === kind)
        .map((r) => r.period)
        .sort()
        .reverse(),
    [available.data, kind],
  );
  const period = chosen && periods.includes(chosen) ? chosen : (periods[0] ?? null);
  const report = useQuery({
    queryKey: ['report', kind, period],
    enabled: period !== null,
    queryFn: () => call(api.GET('/reports/periodic', { params: { query: { kind, period: period! } } })),
  });
  const rowLabel = (dim: Dimension, row: BreakdownRow): string => {
    if (!english) return row.label;
    if (dim === 'field' && row.key) return t(`enums.field.${row.key}`, { defaultValue: row.label });
    if (dim === 'region') return ZHEJIANG_CITIES.find((c) => c.code === row.key)?.en ?? row.label;
    if (dim === 'holderType' || dim === 'theme') return t(`marketData.reports.keys.${dim}.${row.key || 'none'}`, { defaultValue: row.label });
    return row.label;
  };
  const download = async (format: 'xlsx' | 'pdf') => {
    if (!period) return;
    setDownloading(format);
    try {
      const query = { params: { query: { kind, period } }, parseAs: 'blob' as const };
      const blob = (await call(format === 'xlsx' ? api.GET('/reports/periodic/export.xlsx', query) : api.GET('/reports/periodic/export.pdf', query))) as Blob;
      saveBlob(blob, `report-${kind}-${period}.${format}`);
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : t('errors.NETWORK'));
    } finally {
      setDownloading(null);
    }
  };
  const data = report.data;
  const rows = data ? data.breakdowns[dimension] : [];
  const chartRows = useMemo(
    () => rows.map((r) => ({ name: rowLabel(dimension, r), valueFen: r.figures.dealValueFen.value ?? '0', count: Number(r.figures.deals.value ?? 0) })),
    [rows, dimension, english],
  );
  const chartLabels = useMemo(() => ({ value: t('marketData.figures.dealValueFen'), count: t('marketData.figures.deals'), unit: t('money.yuan') }), [english]);
  const yuanUnit = t('money.yuan');
  const cell = (key: keyof Figures) => (_: unknown, r: BreakdownRow) => figureText(r.figures[key], yuanUnit);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented<Kind>
          data-testid="report-kind"
          value={kind}
          onChange={(k) => {
            setKind(k);
            setChosen(null);
          }}
          options={KINDS.map((k) => ({ value: k, label: t(`marketData.reports.kinds.${k}`) }))}
        />
        <Select
          data-testid="report-period"
          style={{ width: 160 }}
          value={period ?? undefined}
          placeholder={t('marketData.reports.period')}
          onChange={setChosen}
          options={periods.map((p) => ({ value: p, label: p }))}
          aria-label={t('marketData.reports.period')}
        />
        <Button data-testid="download-xlsx" disabled={!data} loading={downloading === 'xlsx'} onClick={() => void download('xlsx')}>
          {t('marketData.reports.downloadXlsx')}
        </Button>
        <Button data-testid="download-pdf" disabled={!data} loading={downloading === 'pdf'} onClick={() => void download('pdf')}>
          {t('marketData.reports.downloadPdf')}
        </Button>
      </Space>
      {available.error ? <QueryError error={available.error} /> : null}
      {available.data && periods.length === 0 ? <Alert type="info" message={t('marketData.reports.none')} /> : null}
      {report.error ? <QueryError error={report.error} /> : null}
      {report.isLoading ? <Spin /> : null}
      {data ? (
        <>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="report-title">
            {english ? `${t(`marketData.reports.kinds.${data.kind}`)} ${data.period}` : data.title}
          </Typography.Title>
          <Typography.Text type="secondary">
            {data.from} — {data.to} · {t('marketData.reports.generatedAt')} {beijingDateTime(data.generatedAt)} ·{' '}
            {t('marketData.reports.comparedWith', { previous: data.previousPeriod, yearAgo: data.yearAgoPeriod })}
          </Typography.Text>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('marketData.reports.changeRule')}
          </Typography.Paragraph>
          <Row gutter={[12, 12]} data-testid="report-figures">
            {HEADLINE.map((key) => {
              const f = data.overall[key];
              return (
                <Col key={key} xs={12} sm={8} lg={6} xl={4}>
                  <Card size="small" data-testid={`figure-${key}`} style={{ height: '100%' }}>
                    <Statistic
                      title={
                        <Tooltip title={t(`marketData.rules.${key}`)}>
                          <span>{t(`marketData.figures.${key}`)} ⓘ</span>
                        </Tooltip>
                      }
                      value={figureText(f, yuanUnit)}
                      valueStyle={{ fontSize: f.unit === 'fen' ? 16 : 22 }}
                    />
                    <Space direction="vertical" size={0} style={{ fontSize: 12 }}>
                      <Change
                        label={t('marketData.reports.mom')}
                        value={f.changeVsPrevious}
                        unit={f.unit}
                        none={t('marketData.reports.noComparison')}
                        testId="change-previous"
                      />
                      <Change
                        label={t('marketData.reports.yoy')}
                        value={f.changeVsYearAgo}
                        unit={f.unit}
                        none={t('marketData.reports.noComparison')}
                        testId="change-year-ago"
                      />
                    </Space>
                  </Card>
                </Col>
              );
            })}
          </Row>
          <Card size="small">
            <Tabs
              activeKey={dimension}
              onChange={(d) => setDimension(d as Dimension)}
              items={DIMENSIONS.map((d) => ({ key: d, label: <span data-testid={`breakdown-${d}`}>{t(`marketData.reports.by.${d}`)}</span> }))}
            />
            <Typography.Paragraph type="secondary">{t('marketData.reports.chartTitle')}</Typography.Paragraph>
            {rows.length > 0 ? (
              <Suspense fallback={<Spin />}>
                <ReportChart rows={chartRows} labels={chartLabels} />
              </Suspense>
            ) : null}
            <Table<BreakdownRow>
              data-testid="breakdown-table"
              size="small"
              rowKey="key"
              pagination={false}
              scroll={{ x: true }}
              dataSource={rows}
              columns={[
                { key: 'label', title: t('marketData.reports.name'), render: (_: unknown, r: BreakdownRow) => rowLabel(dimension, r) },
                ...(
                  ['listings', 'lotsOffered', 'lotsSold', 'sellThroughRate', 'premiumRate', 'deals', 'dealValueFen', 'contractValueFen'] as (keyof Figures)[]
                ).map((key) => ({ key, title: t(`marketData.figures.${key}`), align: 'right' as const, render: cell(key) })),
              ]}
            />
          </Card>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            SHA-256 {data.sha256}
          </Typography.Text>
        </>
      ) : null}
    </Space>
  );
}

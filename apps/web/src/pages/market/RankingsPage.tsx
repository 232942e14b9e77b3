import { lazy, Suspense, useMemo, useState } from 'react';
import { Card, Empty, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { QueryError } from '../../components/QueryError';
import { registerArea } from '../../i18n/area';
import { rankingsEn } from '../../i18n/rankings.en';
import { rankingsZh } from '../../i18n/rankings.zh';
import { yuan } from '../../lib/format';
import { ZHEJIANG_CITIES } from '../../lib/regions';
import { useServerTable } from '../../lib/useServerTable';

registerArea('rankings', rankingsZh, rankingsEn);

const RankingsChart = lazy(() => import('./RankingsChart'));

type Item = components['schemas']['RankedHolderDto'];
type Contribution = components['schemas']['ContributionDto'];
type Share = components['schemas']['ShareDto'];
type HolderType = 'university' | 'institute' | 'enterprise_lab' | 'platform';

const thisYear = () => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
const percent = (s: Share) => (s.denominator === 0 ? '—' : `${((100 * s.numerator) / s.denominator).toFixed(1)}%`);
const shareText = (s: Share) => (s.denominator === 0 ? '—' : `${percent(s)}（${s.numerator}/${s.denominator}）`);

function Head({ label, rule }: { label: string; rule: string }) {
  return (
    <Tooltip title={rule}>
      <span>{label} ⓘ</span>
    </Tooltip>
  );
}

/** An indicator's value as people read it: counts, 元 with separators, or a percentage. */
function shown(key: string, v: string | null): string {
  if (v === null) return '—';
  if (key === 'contractValueFen') return yuan(v);
  if (key === 'listings' || key === 'contractsInForce') return Number(v).toLocaleString('zh-CN');
  return `${(Number(v) * 100).toFixed(1)}%`;
}

/** "为什么是这个名次": the inputs and each indicator's contribution to the score. */
function Why({ item }: { item: Item }) {
  const { t } = useTranslation();
  const columns: ColumnsType<Contribution> = [
    {
      title: t('rankings.indicator'),
      key: 'key',
      render: (_, c) => <Head label={t(`rankings.indicators.${c.key}`)} rule={t(`rankings.rules.${c.key}`)} />,
    },
    { title: t('rankings.weight'), key: 'weight', align: 'right', render: (_, c) => c.weight },
    {
      title: t('rankings.value'),
      key: 'value',
      align: 'right',
      render: (_, c) => (c.noData ? <Tag>{t('rankings.noData')}</Tag> : shown(c.key, c.value)),
    },
    { title: t('rankings.range'), key: 'range', align: 'right', render: (_, c) => `${shown(c.key, c.min)} — ${shown(c.key, c.max)}` },
    { title: t('rankings.normalized'), key: 'normalized', align: 'right', render: (_, c) => c.normalized.toFixed(3) },
    { title: t('rankings.points'), key: 'points', align: 'right', render: (_, c) => <Typography.Text strong>{c.points.toFixed(2)}</Typography.Text> },
  ];
  return (
    <div data-testid="why" style={{ padding: '4px 8px' }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('rankings.why')}
      </Typography.Title>
      <Typography.Paragraph>
        {t('rankings.whyIntro', { holder: item.holderName, score: item.score.toFixed(2), rank: item.rank, tie: item.tied ? `（${t('rankings.tie')}）` : '' })}
      </Typography.Paragraph>
      <Table rowKey="key" size="small" pagination={false} columns={columns} dataSource={item.contributions} />
    </div>
  );
}

/** The public holder rankings (P-MKT 高校院所排序), with the method and the reason for every rank. */
export default function RankingsPage() {
  const { t, i18n } = useTranslation();
  const [year, setYear] = useState(thisYear());
  const [region, setRegion] = useState<string | undefined>();
  const [holderType, setHolderType] = useState<HolderType | undefined>();
  const table = useServerTable(20);
  const filters = { year, ...(region ? { region } : {}), ...(holderType ? { holderType } : {}) };
  const query = { ...filters, limit: table.query.limit, offset: table.query.offset };
  const page = useQuery({
    queryKey: ['rankings', query],
    queryFn: ({ signal }) => call(api.GET('/reports/rankings', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  const top = useQuery({
    queryKey: ['rankings', { ...filters, limit: 10, offset: 0 }],
    queryFn: ({ signal }) => call(api.GET('/reports/rankings', { params: { query: { ...filters, limit: 10, offset: 0 } }, signal })),
    placeholderData: keepPreviousData,
  });
  const chartRows = useMemo(() => (top.data?.items ?? []).map((i) => ({ name: i.holderName, rank: i.rank, score: i.score })), [top.data]);
  const columns: ColumnsType<Item> = [
    {
      title: t('rankings.columns.rank'),
      key: 'rank',
      width: 90,
      render: (_, i) => (
        <Space size={4}>
          <Typography.Text strong data-testid="rank">
            {i.rank}
          </Typography.Text>
          {i.tied && <Tag color="gold">{t('rankings.tie')}</Tag>}
        </Space>
      ),
    },
    { title: t('rankings.columns.holder'), key: 'holder', render: (_, i) => i.holderName },
    {
      title: t('rankings.columns.kind'),
      key: 'kind',
      render: (_, i) => (
        <Space size={4}>
          {t(`rankings.types.${i.holderKind}`)}
          {i.highLevelPlatform && <Tag color="blue">{t('rankings.types.platform')}</Tag>}
        </Space>
      ),
    },
    {
      title: <Head label={t('rankings.columns.score')} rule={t('rankings.methodText')} />,
      key: 'score',
      align: 'right',
      render: (_, i) => <Typography.Text strong>{i.score.toFixed(2)}</Typography.Text>,
    },
    {
      title: <Head label={t('rankings.columns.listings')} rule={t('rankings.rules.listings')} />,
      key: 'listings',
      align: 'right',
      render: (_, i) => i.inputs.listings.toLocaleString('zh-CN'),
    },
    {
      title: <Head label={t('rankings.columns.contracts')} rule={t('rankings.rules.contractsInForce')} />,
      key: 'contracts',
      align: 'right',
      render: (_, i) => i.inputs.contractsInForce.toLocaleString('zh-CN'),
    },
    {
      title: <Head label={t('rankings.columns.value')} rule={t('rankings.rules.contractValueFen')} />,
      key: 'value',
      align: 'right',
      render: (_, i) => yuan(i.inputs.contractValueFen),
    },
    {
      title: <Head label={t('rankings.columns.transformed')} rule={t('rankings.rules.transformedShare')} />,
      key: 'transformed',
      align: 'right',
      render: (_, i) => shareText(i.inputs.transformedShare),
    },
    {
      title: <Head label={t('rankings.columns.useFirst')} rule={t('rankings.rules.useFirstShare')} />,
      key: 'useFirst',
      align: 'right',
      render: (_, i) => shareText(i.inputs.useFirstShare),
    },
    {
      title: <Head label={t('rankings.columns.timeliness')} rule={t('rankings.rules.registrationTimeliness')} />,
      key: 'timeliness',
      align: 'right',
      render: (_, i) => shareText(i.inputs.registrationTimeliness),
    },
  ];
  const years = Array.from({ length: 6 }, (_, k) => thisYear() - k);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('rankings.title')} data-testid="rankings-page">
        <Typography.Paragraph type="secondary">{t('rankings.intro')}</Typography.Paragraph>
        <Space wrap>
          <span>{t('rankings.year')}</span>
          <Select
            data-testid="rankings-year"
            value={year}
            style={{ width: 100 }}
            options={years.map((y) => ({ value: y, label: String(y) }))}
            onChange={(y) => {
              setYear(y);
              table.reset();
            }}
          />
          <span>{t('rankings.region')}</span>
          <Select
            data-testid="rankings-region"
            value={region ?? ''}
            style={{ width: 140 }}
            options={[
              { value: '', label: t('rankings.allRegions') },
              ...ZHEJIANG_CITIES.map((c) => ({ value: c.code, label: i18n.language === 'en' ? c.en : c.zh })),
            ]}
            onChange={(r: string) => {
              setRegion(r || undefined);
              table.reset();
            }}
          />
          <span>{t('rankings.holderType')}</span>
          <Select
            data-testid="rankings-type"
            value={holderType ?? ''}
            style={{ width: 160 }}
            options={[
              { value: '', label: t('rankings.allTypes') },
              ...(['university', 'institute', 'enterprise_lab', 'platform'] as const).map((k) => ({ value: k, label: t(`rankings.types.${k}`) })),
            ]}
            onChange={(v: string) => {
              setHolderType((v || undefined) as HolderType | undefined);
              table.reset();
            }}
          />
        </Space>
      </Card>
      {page.error ? <QueryError error={page.error} /> : null}
      <Card size="small" title={t('rankings.top10')}>
        {chartRows.length ? (
          <Suspense fallback={<Spin />}>
            <RankingsChart rows={chartRows} unit={t('rankings.points')} />
          </Suspense>
        ) : (
          <Empty description={t('rankings.empty')} />
        )}
      </Card>
      <Card size="small">
        <Table<Item>
          rowKey="holderId"
          size="middle"
          loading={page.isFetching}
          columns={columns}
          locale={{ emptyText: t('rankings.empty') }}
          expandable={{ expandedRowRender: (item) => <Why item={item} />, expandRowByClick: true }}
          scroll={{ x: 1100 }}
          {...table.tableProps(page.data)}
        />
        {page.data && <Typography.Text type="secondary">{t('rankings.asOf', { date: page.data.asOf })}</Typography.Text>}
      </Card>
      <Card size="small" title={t('rankings.method')} data-testid="rankings-method">
        <Typography.Paragraph style={{ marginBottom: 0 }}>{t('rankings.methodText')}</Typography.Paragraph>
      </Card>
    </Space>
  );
}

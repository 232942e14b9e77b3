import { lazy, Suspense, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Select, Space, Spin, Statistic, Tabs, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { QueryError } from '../../components/QueryError';
import { yuan } from '../../lib/format';
import { ZHEJIANG_CITIES } from '../../lib/regions';
import { ReportsSection } from './ReportsSection';
import './texts';

const IndexChart = lazy(() => import('./IndexChart'));

const FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;
const COMPONENTS = ['listings', 'bidders', 'bids', 'deals', 'valueFen'] as const;
const RANGES = [90, 180, 365] as const;

/** Today's Beijing calendar date, minus `days`. */
function beijingDate(daysBack = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - daysBack * 86_400_000));
}

/** 市场数据: the activity index and the periodic reports, public; the rankings are their own page. */
export default function MarketPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'reports' ? 'reports' : 'index';
  return (
    <div className="market-page" data-testid="market-page">
      <Typography.Title level={2}>{t('marketData.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('marketData.intro')}</Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'index' ? {} : { tab: key }, { replace: true })}
        tabBarExtraContent={
          <Link to="/market/rankings" data-testid="rankings-link">
            {t('marketData.tabs.rankings')} →
          </Link>
        }
        items={[
          { key: 'index', label: t('marketData.tabs.index'), children: <IndexSection /> },
          { key: 'reports', label: t('marketData.tabs.reports'), children: <ReportsSection /> },
        ]}
      />
      <Typography.Paragraph>
        <Link to="/market/rankings">{t('marketData.rankingsLink')}</Link>
      </Typography.Paragraph>
    </div>
  );
}

function IndexSection() {
  const { t, i18n } = useTranslation();
  const [field, setField] = useState<string>('');
  const [region, setRegion] = useState<string>('');
  const [days, setDays] = useState<number>(365);
  const from = beijingDate(days);
  const to = beijingDate(0);
  const index = useQuery({
    queryKey: ['activity-index', from, to, field, region],
    queryFn: () =>
      call(
        api.GET('/reports/activity-index', {
          params: { query: { from, to, ...(field ? { field: field as (typeof FIELDS)[number] } : {}), ...(region ? { region } : {}) } },
        }),
      ),
  });
  const points = useMemo(() => (index.data?.series ?? []).map((p) => ({ date: p.date, index: p.index === null ? null : Number(p.index) })), [index.data]);
  const weightTotal = index.data ? COMPONENTS.reduce((sum, c) => sum + index.data.weights[c], 0) : 0;
  const labels = useMemo(() => ({ series: t('marketData.index.seriesName'), base: t('marketData.index.base') }), [t]);
  const latest = index.data?.series.at(-1);
  const english = i18n.language === 'en';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          data-testid="index-field"
          style={{ width: 160 }}
          value={field}
          onChange={setField}
          aria-label={t('marketData.index.field')}
          options={[{ value: '', label: t('marketData.index.allFields') }, ...FIELDS.map((f) => ({ value: f, label: t(`enums.field.${f}`) }))]}
        />
        <Select
          data-testid="index-region"
          style={{ width: 160 }}
          value={region}
          onChange={setRegion}
          aria-label={t('marketData.index.region')}
          options={[{ value: '', label: t('marketData.index.allRegions') }, ...ZHEJIANG_CITIES.map((c) => ({ value: c.code, label: english ? c.en : c.zh }))]}
        />
        <Select
          data-testid="index-range"
          style={{ width: 140 }}
          value={days}
          onChange={setDays}
          aria-label={t('marketData.index.range')}
          options={RANGES.map((d) => ({ value: d, label: t('marketData.index.lastDays', { count: d }) }))}
        />
      </Space>
      {index.error ? <QueryError error={index.error} /> : null}
      {index.data ? (
        <>
          <Alert
            type="info"
            showIcon
            data-testid="index-definition"
            message={t('marketData.index.definition', { baseDate: index.data.baseDate })}
            description={
              <Space wrap size={[4, 4]} data-testid="index-weights">
                <span>{t('marketData.index.weights')}：</span>
                {COMPONENTS.map((c) => (
                  <Tag key={c}>
                    {t(`marketData.index.components.${c}`)} {weightTotal ? Math.round((index.data.weights[c] / weightTotal) * 100) : 0}%
                  </Tag>
                ))}
              </Space>
            }
          />
          {points.length === 0 ? (
            <Alert type="warning" message={t('marketData.index.empty')} />
          ) : (
            <Card size="small">
              <Suspense fallback={<Spin />}>
                <IndexChart points={points} labels={labels} />
              </Suspense>
            </Card>
          )}
          {latest ? (
            <Card size="small" title={t('marketData.index.componentsOn', { date: latest.date })}>
              <Space wrap size="large" data-testid="index-latest">
                <Statistic title={t('marketData.index.latest', { date: latest.date })} value={latest.index ?? '—'} data-testid="index-latest-value" />
                {COMPONENTS.map((c) => (
                  <Statistic
                    key={c}
                    title={t(`marketData.index.components.${c}`)}
                    value={c === 'valueFen' ? yuan(latest.components.valueFen, t('money.yuan')) : Number(latest.components[c]).toLocaleString('en-US')}
                    data-testid={`index-component-${c}`}
                  />
                ))}
              </Space>
            </Card>
          ) : null}
        </>
      ) : index.isLoading ? (
        <Spin />
      ) : null}
    </Space>
  );
}

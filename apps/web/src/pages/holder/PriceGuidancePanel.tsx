import { Alert, Button, Card, Space, Statistic, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import { registerArea } from '../../i18n/area';
import { pricingEn } from '../../i18n/pricing.en';
import { pricingZh } from '../../i18n/pricing.zh';
import { yuan, yuanNumber } from '../../lib/format';

registerArea('pricing', pricingZh, pricingEn);

type Comparable = components['schemas']['PriceComparableDto'];
type DealType = 'transfer' | 'license' | 'equity';

export const priceGuidanceKeys = {
  of: (achievementId: string, dealType: DealType) => ['price-guidance', achievementId, dealType] as const,
};

/**
 * 初始化定价 (P-PRICE): the range and reference price from comparable concluded deals, the
 * comparables themselves and the method in a sentence, or 可比成交不足 when there are too few.
 */
export function PriceGuidancePanel({ achievementId, dealType, onUse }: { achievementId?: string; dealType: DealType; onUse?: (yuan: number) => void }) {
  const { t } = useTranslation();
  const guidance = useQuery({
    queryKey: priceGuidanceKeys.of(achievementId ?? '', dealType),
    enabled: !!achievementId,
    queryFn: () => call(api.GET('/achievements/{id}/price-guidance', { params: { path: { id: achievementId! }, query: { dealType } } })),
  });
  const years = (y: number | null | undefined) => (y === null || y === undefined ? t('pricing.noTerm') : t('pricing.years', { years: y.toFixed(1) }));
  if (!achievementId)
    return (
      <Card size="small" title={t('pricing.title')} style={{ marginBottom: 12 }} data-testid="price-guidance">
        <Typography.Text type="secondary">{t('pricing.pickAchievement')}</Typography.Text>
      </Card>
    );
  const g = guidance.data;
  const columns = [
    { title: t('pricing.columns.title'), dataIndex: 'achievementTitle', key: 'title' },
    { title: t('pricing.columns.concludedOn'), dataIndex: 'concludedOn', key: 'date', width: 110 },
    { title: t('pricing.columns.price'), key: 'price', align: 'right' as const, render: (c: Comparable) => <Money fen={c.priceFen} /> },
    { title: t('pricing.columns.adjusted'), key: 'adjusted', align: 'right' as const, render: (c: Comparable) => <Money fen={c.adjustedPriceFen} /> },
    { title: t('pricing.columns.remaining'), key: 'remaining', render: (c: Comparable) => years(c.remainingYears) },
    { title: t('pricing.columns.ipc'), key: 'ipc', render: (c: Comparable) => t(`pricing.ipcMatch.${c.ipcMatch}`) },
    { title: t('pricing.columns.similarity'), key: 'similarity', align: 'right' as const, render: (c: Comparable) => c.similarity.toFixed(2) },
  ];
  return (
    <Card size="small" title={t('pricing.title')} style={{ marginBottom: 12 }} data-testid="price-guidance" loading={guidance.isLoading}>
      {guidance.error ? <QueryError error={guidance.error} /> : null}
      {g ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          {g.status === 'ok' ? (
            <Space wrap size="large" align="end">
              <Statistic
                title={t('pricing.range')}
                value={`${yuan(g.lowFen, '').trim()} – ${yuan(g.highFen, '').trim()}`}
                suffix={t('money.yuan')}
                valueStyle={{ fontSize: 20 }}
                data-testid="price-range"
              />
              <Statistic
                title={t('pricing.point')}
                value={yuan(g.pointFen, '').trim()}
                suffix={t('money.yuan')}
                valueStyle={{ fontSize: 20 }}
                data-testid="price-point"
              />
              {onUse ? (
                <Button size="small" onClick={() => onUse(yuanNumber(g.pointFen)!)}>
                  {t('pricing.use')}
                </Button>
              ) : null}
            </Space>
          ) : (
            <Alert
              type="warning"
              showIcon
              message={t('pricing.insufficient')}
              description={t('pricing.insufficientDetail', { count: g.comparables.length, min: g.method.minComparables })}
              data-testid="price-insufficient"
            />
          )}
          <Typography.Text type="secondary">
            {g.status === 'ok'
              ? t('pricing.basedOn', { count: g.comparables.length, effective: g.effectiveCount, dealType: t(`enums.dealType.${g.dealType}`), asOf: g.asOf })
              : null}
            {g.status === 'ok' ? ' · ' : null}
            {t('pricing.subjectTerm', { years: years(g.subject.remainingYears) })}
          </Typography.Text>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0, fontSize: 12 }}>
            {t('pricing.method', {
              minSimilarity: g.method.minSimilarity,
              max: g.method.maxComparables,
              beta: g.method.termElasticity,
              low: Math.round(g.method.lowQuantile * 100),
              high: Math.round(g.method.highQuantile * 100),
            })}{' '}
            {t('pricing.backtest')}
          </Typography.Paragraph>
          <Table<Comparable>
            size="small"
            rowKey={(c) => `${c.achievementTitle}-${c.concludedOn}-${c.priceFen}`}
            columns={columns}
            dataSource={g.comparables}
            pagination={g.comparables.length > 10 ? { pageSize: 10, size: 'small' } : false}
            locale={{ emptyText: t('pricing.noComparables') }}
            aria-label={t('pricing.title')}
          />
        </Space>
      ) : null}
    </Card>
  );
}

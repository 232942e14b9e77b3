import { lazy, Suspense, useMemo } from 'react';
import { Alert, Col, Row, Spin, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../api/schema';
import { Money } from '../../../components/Money';
import { yuan } from '../../../lib/format';

const OutlookChart = lazy(() => import('./OutlookChart'));

type Outlook = components['schemas']['PolicyOutlookDto'];
type Month = Outlook['months'][number];

/** "预算预计于 2026年11月 用尽" and the like: the month the budget runs out if the pace holds. */
export function OutlookSentence({ outlook }: { outlook: Outlook }) {
  const { t } = useTranslation();
  const status = outlook.exhaustion.status as 'within_year' | 'not_within_year' | 'already_exhausted';
  const [year, month] = (outlook.exhaustion.month ?? `${outlook.year}-12`).split('-').map(Number);
  const text = t(`outlook.sentence.${status}`, { year, month, left: yuan(outlook.projectedRemainingFen, t('money.yuan')) });
  const type = status === 'not_within_year' ? 'success' : status === 'within_year' ? 'warning' : 'error';
  return <Alert type={type} showIcon data-testid="outlook-sentence" data-status={status} message={text} />;
}

/**
 * A policy's budget outlook: the sentence, the figures (each with its rule in one sentence), the
 * chart and the months. `compact` for the policy editor's preview column.
 */
export function OutlookPanel({ outlook, compact = false }: { outlook: Outlook; compact?: boolean }) {
  const { t } = useTranslation();
  const labels = useMemo(
    () => ({
      committed: t('outlook.figures.committed'),
      pending: t('outlook.figures.pending'),
      expected: t('outlook.figures.expected'),
      cumulative: t('outlook.figures.cumulative'),
      budget: t('outlook.figures.budgetLine'),
      unit: t('money.yuan'),
    }),
    [t],
  );
  const figures: { key: string; fen: string; rule: string }[] = [
    { key: 'budget', fen: outlook.budgetFen, rule: t('outlook.rules.budget') },
    {
      key: 'committed',
      fen: outlook.committedFen,
      rule: t('outlook.rules.committed', { count: outlook.committedCount, paid: yuan(outlook.paidFen, t('money.yuan')) }),
    },
    { key: 'pending', fen: outlook.pendingFen, rule: t('outlook.rules.pending', { count: outlook.pendingCount }) },
    { key: 'expected', fen: outlook.expectedFen, rule: t('outlook.rules.expected', { earned: yuan(outlook.expectedEarnedFen, t('money.yuan')) }) },
    { key: 'projected', fen: outlook.projectedFen, rule: t('outlook.rules.projected') },
    { key: 'remaining', fen: outlook.remainingFen, rule: t('outlook.rules.remaining') },
    { key: 'projectedRemaining', fen: outlook.projectedRemainingFen, rule: t('outlook.rules.projectedRemaining') },
  ];
  const span = compact ? 12 : 6;
  return (
    <div data-testid="outlook-panel">
      <OutlookSentence outlook={outlook} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('outlook.asOf', { today: outlook.today, year: outlook.year })}
      </Typography.Paragraph>
      <Row gutter={[16, 12]}>
        {figures.map((f) => (
          <Col key={f.key} xs={24} sm={12} md={span} data-testid={`outlook-${f.key}`}>
            <Statistic title={t(`outlook.figures.${f.key}`)} value={yuan(f.fen, t('money.yuan'))} valueStyle={{ fontSize: compact ? 16 : 20 }} />
            <div className="muted" style={{ fontSize: 12 }}>
              {f.rule}
            </div>
          </Col>
        ))}
      </Row>
      <Suspense fallback={<Spin />}>
        <OutlookChart outlook={outlook} labels={labels} height={compact ? 240 : 340} />
      </Suspense>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('outlook.rules.cumulative')} {t('outlook.rules.contracts', { count: outlook.contractsConsidered })}
      </Typography.Paragraph>
      <Table<Month>
        size="small"
        rowKey="month"
        pagination={false}
        data-testid="outlook-months"
        dataSource={outlook.months}
        columns={[
          { title: t('outlook.figures.month'), dataIndex: 'month' },
          { title: t('outlook.figures.committed'), align: 'right', render: (_, m) => <Money fen={m.committedFen} /> },
          { title: t('outlook.figures.pending'), align: 'right', render: (_, m) => <Money fen={m.pendingFen} /> },
          { title: t('outlook.figures.expected'), align: 'right', render: (_, m) => <Money fen={m.expectedFen} /> },
          { title: t('outlook.figures.cumulative'), align: 'right', render: (_, m) => <Money fen={m.cumulativeFen} strong /> },
          {
            title: t('outlook.figures.remaining'),
            align: 'right',
            render: (_, m) => <span style={BigInt(m.remainingFen) < 0n ? { color: '#cf1322' } : undefined}>{yuan(m.remainingFen, t('money.yuan'))}</span>,
          },
        ]}
      />
    </div>
  );
}

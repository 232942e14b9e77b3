import { lazy, Suspense } from 'react';
import { Button, Card, Col, Row, Skeleton, Space, Statistic, Table, Tag } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { QueryError } from '../../components/QueryError';
import { Money } from '../../components/Money';
import { beijingDateTime, yuan } from '../../lib/format';

const SessionResultChart = lazy(() => import('./SessionResultChart'));

/** 成交结果 of a closed session: each figure with its rule, the per-lot table, the chart and the downloads. */
export function SessionResult({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const result = useQuery({
    queryKey: ['session-result', sessionId],
    queryFn: () => call(api.GET('/auction-sessions/{id}/result', { params: { path: { id: sessionId } } })),
  });
  if (result.error) return <QueryError error={result.error} onRetry={() => void result.refetch()} />;
  if (!result.data) return <Skeleton active />;
  const r = result.data;
  const unit = t('money.yuan');
  const figure = (key: string, title: string, value: React.ReactNode) => (
    <Col xs={24} sm={12} lg={6} key={key}>
      <Card size="small" style={{ height: '100%' }} data-testid={`result-${key}`}>
        <Statistic title={title} valueRender={() => <span style={{ fontSize: 20 }}>{value}</span>} />
        <div className="muted" style={{ fontSize: 12, marginTop: 4 }}>
          {t(`sessionResult.rules.${key}`)}
        </div>
      </Card>
    </Col>
  );
  return (
    <Card
      title={t('sessionResult.title')}
      style={{ margin: '12px 0' }}
      data-testid="session-result"
      extra={
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={`/auction-sessions/${sessionId}/result.xlsx`} data-testid="result-xlsx">
            {t('sessionResult.xlsx')}
          </Button>
          <Button icon={<DownloadOutlined />} href={`/auction-sessions/${sessionId}/result.pdf`} target="_blank" data-testid="result-pdf">
            {t('sessionResult.pdf')}
          </Button>
        </Space>
      }
    >
      <div className="muted" style={{ marginBottom: 12 }}>
        {t('sessionResult.closedAt', { at: beijingDateTime(r.closedAt) })}
      </div>
      <Row gutter={[12, 12]}>
        {figure('offered', t('sessionResult.offered'), `${r.lotsOffered}`)}
        {figure('sold', t('sessionResult.sold'), `${r.lotsSold}`)}
        {figure('unsold', t('sessionResult.unsold'), t('sessionResult.unsoldValue', { unsold: r.lotsUnsold, withdrawn: r.lotsWithdrawn }))}
        {figure('sellThrough', t('sessionResult.sellThrough'), r.sellThroughPercent === null ? '—' : `${r.sellThroughPercent}%`)}
        {figure('startingTotal', t('sessionResult.startingTotal'), <Money fen={r.startingTotalFen} />)}
        {figure('soldStartingTotal', t('sessionResult.soldStartingTotal'), <Money fen={r.soldStartingTotalFen} />)}
        {figure('hammerTotal', t('sessionResult.hammerTotal'), <Money fen={r.hammerTotalFen} strong />)}
        {figure('premium', t('sessionResult.premium'), r.premium ? <span data-testid="premium-percent">{r.premium.percent}%</span> : '—')}
        {figure('bidders', t('sessionResult.bidders'), t('sessionResult.biddersValue', { total: r.bidders, online: r.onlineBidders, floor: r.floorBidders }))}
        {figure('bids', t('sessionResult.bids'), t('sessionResult.bidsValue', { total: r.bids, online: r.onlineBids, proxy: r.proxyBids, floor: r.floorBids }))}
      </Row>
      <div className="section-title">{t('sessionResult.chart')}</div>
      <Suspense fallback={<Skeleton active />}>
        <SessionResultChart lots={r.lots} labels={{ start: t('sessionResult.start'), hammer: t('sessionResult.hammer'), unit }} />
      </Suspense>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        style={{ marginTop: 12 }}
        dataSource={r.lots}
        data-testid="session-result-lots"
        columns={[
          { key: 'position', title: '#', render: (_, l, i) => l.position ?? i + 1, width: 48 },
          { key: 'title', title: t('sessionResult.lot'), dataIndex: 'title' },
          { key: 'start', title: t('sessionResult.start'), align: 'right', render: (_, l) => yuan(l.startingPriceFen, unit) },
          { key: 'hammer', title: t('sessionResult.hammer'), align: 'right', render: (_, l) => yuan(l.hammerPriceFen, unit) },
          {
            key: 'result',
            title: t('sessionResult.result'),
            render: (_, l) =>
              l.result === 'sold' ? (
                <Tag color="green">{t('sessionResult.soldTag')}</Tag>
              ) : (
                <Tag>{t(`sessionResult.unsoldReason.${l.unsoldReason ?? 'no_bids'}`)}</Tag>
              ),
          },
          { key: 'premium', title: t('sessionResult.premium'), align: 'right', render: (_, l) => (l.premiumPercent === null ? '—' : `${l.premiumPercent}%`) },
          { key: 'bids', title: t('sessionResult.bids'), align: 'right', dataIndex: 'bids' },
        ]}
      />
    </Card>
  );
}

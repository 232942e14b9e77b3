import { Empty, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Money } from '../../components/Money';
import { QueryError } from '../../components/QueryError';
import { beijingDateTime } from '../../lib/format';

type OwnRegistration = components['schemas']['OwnRegistrationDto'];

const DEPOSIT_COLORS: Record<string, string> = { held: 'blue', released: 'default', applied: 'green', forfeited: 'red', pending: 'orange', failed: 'red' };

/** The lots the enterprise registered for: its deposit (held / released / applied / forfeited), its best bid, and whether it leads or won. */
export function BidsTab() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['bidder-registrations'],
    queryFn: async () => (await call(api.GET('/bidder-registrations', { params: { query: { limit: 100 } } }))).items,
    refetchInterval: 15_000,
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  if (!list.data?.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bids.none')} />;
  const outcome = (r: OwnRegistration) =>
    r.status !== 'closed' ? (
      r.myBestFen ? (
        <Tag color={r.leading ? 'green' : 'orange'}>{r.leading ? t('bids.leading') : t('bids.outbid')}</Tag>
      ) : (
        <Tag>{t(`status.lot.${r.status}`)}</Tag>
      )
    ) : r.won ? (
      <Tag color="green">{t('bids.won')}</Tag>
    ) : (
      <Tag>{t('bids.lost')}</Tag>
    );
  return (
    <Table
      data-testid="bidder-registrations"
      size="small"
      rowKey="id"
      pagination={false}
      scroll={{ x: true }}
      dataSource={list.data}
      columns={[
        {
          title: t('bids.lot'),
          render: (_: unknown, r: OwnRegistration) => (
            <>
              <Link to={`/lot/${r.lotId}`}>{r.title}</Link>
              <div className="muted">
                {r.pseudonym} · {beijingDateTime(r.endsAt)}
              </div>
            </>
          ),
        },
        {
          title: t('bids.deposit'),
          render: (_: unknown, r: OwnRegistration) => (
            <>
              <Money fen={r.depositFen} /> <Tag color={DEPOSIT_COLORS[r.depositStatus]}>{t(`status.deposit.${r.depositStatus}`)}</Tag>
            </>
          ),
        },
        { title: t('bids.myBest'), render: (_: unknown, r: OwnRegistration) => <Money fen={r.myBestFen} /> },
        { title: t('bids.current'), render: (_: unknown, r: OwnRegistration) => <Money fen={r.hammerPriceFen ?? r.currentFen} /> },
        { title: t('bids.result'), render: (_: unknown, r: OwnRegistration) => outcome(r) },
      ]}
    />
  );
}

import { Empty, Select, Space, Spin, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, call } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { OutlookPanel } from './OutlookPanel';

/** The authority's subsidy budget outlook, one policy at a time (/admin/outlook/<policy id>). */
export default function OutlookSection() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const rest = useParams()['*'] ?? '';
  const chosen = rest.split('/')[1] || undefined;
  const all = useQuery({ queryKey: ['subsidy-outlook'], queryFn: () => call(api.GET('/subsidy-outlook')) });
  if (all.error) return <QueryError error={all.error} onRetry={() => void all.refetch()} />;
  if (!all.data) return <Spin />;
  const items = all.data.items;
  const current = items.find((o) => o.policy.id === chosen) ?? items[0];
  return (
    <div data-testid="admin-outlook">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('outlook.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('outlook.intro')}</Typography.Paragraph>
      {items.length === 0 ? (
        <Empty description={t('outlook.none')} />
      ) : (
        <>
          <Space style={{ marginBottom: 12 }}>
            <span>{t('outlook.policy')}</span>
            <Select
              data-testid="outlook-policy"
              style={{ minWidth: 360 }}
              value={current.policy.id ?? undefined}
              onChange={(id: string) => void navigate(`/admin/outlook/${id}`)}
              options={items.map((o) => ({ value: o.policy.id ?? '', label: `${o.policy.name} · ${o.policy.documentNumber}` }))}
            />
          </Space>
          <OutlookPanel outlook={current} />
        </>
      )}
    </div>
  );
}

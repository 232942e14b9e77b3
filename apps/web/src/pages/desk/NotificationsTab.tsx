import { Button, Empty, List, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { QueryError } from '../../components/QueryError';
import { beijingDateTime } from '../../lib/format';
import type { Notice } from '../../api/types';

/** Where a notice leads: its lot, its contract, or the desk's tab about it. */
export function noticeLink(n: Pick<Notice, 'data'>): string | null {
  if (typeof n.data.lotId === 'string') return `/lot/${n.data.lotId}`;
  if (typeof n.data.contractId === 'string') return '/desk/contracts';
  if (typeof n.data.applicationId === 'string') return '/desk/subsidies';
  return null;
}

export function NotificationsTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: async () => {
      return (await call(api.GET('/notifications', { params: { query: { limit: 100 } } }))).items;
    },
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  if (!list.data?.length) return <Empty description={t('desk.noNotifications')} />;
  return (
    <>
      <Button size="small" onClick={() => void call(api.POST('/notifications/read-all')).then(refresh)} style={{ marginBottom: 8 }}>
        {t('desk.markAllRead')}
      </Button>
      <List
        data-testid="notifications"
        dataSource={list.data}
        renderItem={(n) => {
          const link = noticeLink(n);
          return (
            <List.Item
              data-testid="notification"
              actions={
                n.readAt
                  ? []
                  : [
                      <Button
                        key="read"
                        size="small"
                        onClick={() => void call(api.POST('/notifications/{id}/read', { params: { path: { id: n.id } } })).then(refresh)}
                      >
                        {t('desk.markRead')}
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={
                  <>
                    {n.readAt ? null : <Tag color="red">{t('desk.unread')}</Tag>}
                    {t(`notice.${n.kind}`, { defaultValue: n.title })}
                  </>
                }
                description={
                  <>
                    {n.body}
                    {link ? (
                      <>
                        {' '}
                        · <Link to={link}>{t('contract.open')}</Link>
                      </>
                    ) : null}
                    <div className="muted">{beijingDateTime(n.createdAt)}</div>
                  </>
                }
              />
            </List.Item>
          );
        }}
      />
    </>
  );
}

import { Button, Card, Empty, List, Tabs, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useCurrentUser } from '../components/AppLayout';
import { QueryError } from '../components/ErrorPage';
import { beijingDateTime } from '../lib/format';

interface Notification {
  id: string;
  kind?: string;
  title?: string;
  body?: string;
  message?: string;
  readAt: string | null;
  createdAt: string;
}

function Notifications() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: async () => {
      const answer = (await call(api.GET('/notifications'))) as unknown as Notification[] | { items: Notification[] };
      return Array.isArray(answer) ? answer : answer.items;
    },
    refetchInterval: 15_000,
  });
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  if (!list.data?.length) return <Empty description={t('desk.noNotifications')} />;
  return (
    <List
      data-testid="notifications"
      dataSource={list.data}
      renderItem={(n) => (
        <List.Item
          actions={
            n.readAt
              ? []
              : [
                  <Button
                    key="read"
                    size="small"
                    onClick={() =>
                      void call(api.POST('/notifications/{id}/read', { params: { path: { id: n.id } } })).then(() =>
                        queryClient.invalidateQueries({ queryKey: ['notifications'] }),
                      )
                    }
                  >
                    ✓
                  </Button>,
                ]
          }
        >
          <List.Item.Meta
            title={
              <>
                {n.readAt ? null : <Tag color="red">new</Tag>}
                {n.title ?? n.kind}
              </>
            }
            description={
              <>
                {n.body ?? n.message}
                <div className="muted">{beijingDateTime(n.createdAt)}</div>
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

export default function DeskPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!user) return <Navigate to="/login?next=/desk" replace />;
  return (
    <Card title={t('desk.title')}>
      <Tabs items={[{ key: 'notifications', label: t('desk.notifications'), children: <Notifications /> }]} />
    </Card>
  );
}

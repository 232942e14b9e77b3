import { useEffect } from 'react';
import { Badge, notification } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import type { User } from '../lib/auth';
import { liveSocket } from '../lib/live';
import type { Notice } from '../api/types';
import { noticeLink } from '../pages/desk/NotificationsTab';

/**
 * The signed-in user's notices: a bell with the unread count, and each new notice pushed over the
 * socket (`notification`, to the user's room) shown at once as a toast that links to what it is about.
 */
export function LiveNotices({ user }: { user: User }) {
  const { t } = useTranslation();
  const [toast, holder] = notification.useNotification({ placement: 'topRight', maxCount: 3 });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const unread = useQuery({
    queryKey: ['notifications', 'unread', user.id],
    queryFn: async () => {
      return (await call(api.GET('/notifications', { params: { query: { unreadOnly: true, limit: 1 } } }))).total;
    },
    refetchInterval: 60_000,
  });
  useEffect(() => {
    let disposed = false;
    const onNotice = (n: Notice) => {
      const link = noticeLink(n);
      toast.info({
        key: n.id,
        message: <span data-testid="notice-toast">{t(`notice.${n.kind}`, { defaultValue: n.title })}</span>,
        description: n.body,
        onClick: link ? () => void navigate(link) : undefined,
      });
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      if (n.kind === 'contract_ready_to_sign' || n.kind === 'payment_received') void queryClient.invalidateQueries({ queryKey: ['contracts'] });
    };
    void liveSocket().then((socket) => {
      if (!disposed) socket.on('notification', onNotice);
    });
    return () => {
      disposed = true;
      void liveSocket().then((socket) => socket.off('notification', onNotice));
    };
  }, [user.id, toast, queryClient, navigate, t]);
  return (
    <>
      {holder}
      <Link to="/desk/notifications" aria-label={t('nav.notifications')} data-testid="bell">
        <Badge count={unread.data ?? 0} size="small">
          <BellOutlined style={{ fontSize: 18, color: '#555' }} />
        </Badge>
      </Link>
    </>
  );
}

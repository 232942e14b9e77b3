import { Empty, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { LotCard } from '../components/LotCard';
import { Money } from '../components/Money';
import { RuleTag } from '../components/RuleTag';
import { beijingDateTime } from '../lib/format';
import { liveSocket } from '../lib/live';

function useLots(status: 'live' | 'upcoming' | 'closed', limit: number) {
  return useQuery({
    queryKey: ['lots', status, limit],
    queryFn: () => call(api.GET('/lots', { params: { query: { status, limit } } })),
    refetchInterval: status === 'live' ? 15_000 : 60_000,
  });
}

function LotGrid({ query, empty, watchers }: { query: ReturnType<typeof useLots>; empty: string; watchers?: Record<string, number> }) {
  if (query.isPending) return <Skeleton active />;
  if (!query.data?.items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />;
  return (
    <div className="grid">
      {query.data.items.map((lot) => (
        <LotCard key={lot.id} lot={lot} watchers={watchers?.[lot.id]} />
      ))}
    </div>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  const live = useLots('live', 8);
  const upcoming = useLots('upcoming', 8);
  // how many watch each live lot, over the socket (loaded after the page), every 10 s
  const liveIds = live.data?.items.map((l) => l.id) ?? [];
  const watchers = useQuery({
    queryKey: ['watchers', liveIds],
    enabled: liveIds.length > 0,
    refetchInterval: 10_000,
    queryFn: async () => {
      const socket = await liveSocket();
      const ack = (await socket.timeout(5_000).emitWithAck('lot.watchers.count', { lotIds: liveIds })) as {
        ok: boolean;
        data?: { counts: Record<string, number> };
      };
      return ack.ok && ack.data ? ack.data.counts : {};
    },
  });
  const closed = useLots('closed', 4);
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => call(api.GET('/auction-sessions', { params: { query: { limit: 8 } } })),
  });
  const useFirst = useQuery({
    queryKey: ['catalogue', 'use-first'],
    queryFn: () => call(api.GET('/catalogue', { params: { query: { useFirst: true, limit: 6 } } })),
  });
  return (
    <div>
      <div className="section-title" data-testid="home-live">
        <span>{t('home.liveNow')}</span>
      </div>
      <LotGrid query={live} empty={t('home.noLive')} watchers={watchers.data} />

      <div className="section-title">
        <span>{t('home.sessions')}</span>
      </div>
      {sessions.data?.items.length ? (
        <div className="grid">
          {sessions.data.items.map((s) => (
            <Link key={s.id} to={`/session/${s.id}`}>
              <div className="plain-card">
                <div className="card-title">{s.name}</div>
                <div className="muted">
                  {t(`enums.theme.${s.theme}`)} · {t('home.lotCount', { count: s.lotCount })} · {beijingDateTime(s.startsAt)}
                </div>
              </div>
            </Link>
          ))}
        </div>
      ) : sessions.isPending ? (
        <Skeleton active />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home.noSessions')} />
      )}

      <div className="section-title">
        <span>{t('home.upcoming')}</span>
      </div>
      <LotGrid query={upcoming} empty={t('home.noUpcoming')} />

      <div className="section-title">
        <span>{t('home.useFirst')}</span>
        <Link to="/search?useFirst=true">{t('home.all')}</Link>
      </div>
      <p className="muted">{t('home.useFirstRule')}</p>
      {useFirst.data?.items.length ? (
        <div className="grid">
          {useFirst.data.items.map((a) => (
            <Link key={a.id} to={`/achievement/${a.id}`}>
              <div className="plain-card">
                <div className="card-title">{a.title}</div>
                <div className="muted">
                  {a.holder.name} · {t(`enums.field.${a.technicalField}`)}
                </div>
                <div style={{ marginTop: 6 }}>
                  <RuleTag state={a.ruleState} />
                  {a.listing?.priceFen ? <Money fen={a.listing.priceFen} /> : <Tag>{t('achievement.noListing')}</Tag>}
                </div>
              </div>
            </Link>
          ))}
        </div>
      ) : useFirst.isPending ? (
        <Skeleton active />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}

      <div className="section-title">
        <span>{t('home.recentDeals')}</span>
      </div>
      <LotGrid query={closed} empty={t('home.noDeals')} />
    </div>
  );
}

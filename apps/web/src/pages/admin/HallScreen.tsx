import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Countdown } from '../../components/Countdown';
import { Money } from '../../components/Money';
import { useLotRoom } from '../../lib/useLotRoom';
import { currentLot, useLiveSession } from './market/live-session';
import './market/texts';

const screen: React.CSSProperties = {
  minHeight: '100vh',
  background: 'radial-gradient(circle at 50% 0%, #3a0d0d 0%, #140404 70%)',
  color: '#fff',
  display: 'flex',
  flexDirection: 'column',
  padding: '3vh 4vw',
  fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif',
};

/** The lot on the block, for the hall: price, leader, countdown by the server's clock, calls and the result. */
function OnTheBlock({ lotId, index, count }: { lotId: string; index: number; count: number }) {
  const { t } = useTranslation();
  const room = useLotRoom(lotId);
  const [callSeq, setCallSeq] = useState<number | null>(null);
  const lot = room.lot;
  const lastCall = room.calls[room.calls.length - 1];
  useEffect(() => {
    if (lastCall && lot) setCallSeq(lot.seq); // a call stands until the next bid
  }, [lastCall?.at]);
  if (!lot) return null;
  const open = lot.status === 'open' && !room.closed;
  const result = room.closed ? (room.closed.withdrawn ? 'withdrawn' : room.closed.result) : lot.status === 'closed' ? (lot.result ?? 'unsold') : null;
  const leaderBid = room.bids.find((b) => b.bidder === lot.leader);
  const paddleOf = (pseudonym: string | null) => (pseudonym ? Number(/\d+/.exec(pseudonym)?.[0] ?? '') : null);
  const winner = room.closed?.winner ?? lot.winner;
  const showCall = open && lastCall && callSeq === lot.seq;
  return (
    <div style={{ flex: 1, display: 'flex', flexDirection: 'column' }} data-testid="hall-lot">
      <div style={{ fontSize: '2.2vw', opacity: 0.75 }}>{t('market.hall.lotOf', { i: index + 1, n: count })}</div>
      <div style={{ fontSize: '3.4vw', fontWeight: 700, margin: '1vh 0 3vh' }} data-testid="hall-title">
        {lot.title}
      </div>
      <div style={{ display: 'flex', gap: '4vw', alignItems: 'flex-end', flexWrap: 'wrap' }}>
        <div>
          <div style={{ fontSize: '2vw', opacity: 0.75 }}>{t('market.hall.current')}</div>
          <div style={{ fontSize: '9vw', fontWeight: 800, color: '#ffd666', lineHeight: 1.05 }} data-testid="hall-price">
            <Money fen={result === 'sold' ? (room.closed?.hammerPriceFen ?? lot.hammerPriceFen) : (lot.currentFen ?? lot.startingPriceFen)} />
          </div>
        </div>
        <div>
          <div style={{ fontSize: '2vw', opacity: 0.75 }}>{t('market.hall.leader')}</div>
          <div style={{ fontSize: '4.5vw', fontWeight: 700 }} data-testid="hall-leader">
            {(result === 'sold' ? winner : lot.leader) ?? '—'}
            {lot.leader && result !== 'withdrawn' ? (
              <span style={{ fontSize: '2.4vw', marginLeft: '1vw', opacity: 0.85 }}>
                {t('market.hall.paddle', { n: paddleOf(result === 'sold' ? winner : lot.leader) })}
                {leaderBid ? ` · ${leaderBid.floor ? t('market.console.floor') : t('market.console.online')}` : ''}
              </span>
            ) : null}
          </div>
        </div>
      </div>
      <div style={{ marginTop: '3vh', minHeight: '10vh' }}>
        {result ? (
          <div style={{ fontSize: '6vw', fontWeight: 800, color: result === 'sold' ? '#95de64' : '#ff7875' }} data-testid="hall-result">
            {t(`market.hall.${result}`)}
          </div>
        ) : showCall ? (
          <div style={{ fontSize: '6vw', fontWeight: 800, color: '#ff4d4f' }} data-testid="hall-call">
            {t(`market.console.call.${lastCall.call}`)}
          </div>
        ) : open ? (
          <div style={{ fontSize: '2.4vw' }}>
            {t('market.hall.countdown')} <Countdown until={lot.endsAt} onZero={() => void room.reloadLot()} />
          </div>
        ) : null}
      </div>
      <div style={{ marginTop: 'auto', fontSize: '1.8vw', opacity: 0.8 }} data-testid="hall-bids">
        {room.bids.slice(0, 4).map((b) => (
          <div key={b.seq} style={{ display: 'flex', gap: '2vw' }}>
            <span>{b.bidder}</span>
            <span>{b.floor ? t('market.console.floor') : t('market.console.online')}</span>
            <Money fen={b.amountFen} />
          </div>
        ))}
      </div>
    </div>
  );
}

/** The big-screen view of a live themed session for the auction hall: follows the console live (issue 20). */
export default function HallScreen() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const session = useLiveSession(id);
  const lots = session.data?.lots ?? [];
  const current = currentLot(lots);
  return (
    <div style={screen} data-testid="hall-screen">
      <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: '1.8vw', opacity: 0.85 }}>
        <span>浙江拍 · {session.data?.name ?? ''}</span>
        <span>{session.data ? t(`enums.theme.${session.data.theme}`) : ''}</span>
      </div>
      {current ? (
        <OnTheBlock key={current.id} lotId={current.id} index={lots.findIndex((l) => l.id === current.id)} count={lots.length} />
      ) : (
        <div style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', fontSize: '4vw' }} data-testid="hall-waiting">
          {t('market.hall.waiting')}
        </div>
      )}
    </div>
  );
}

import { Tag } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Countdown } from './Countdown';
import { Money } from './Money';
import type { LotCard as LotCardDto } from '../api/types';

export type LotCardData = LotCardDto;

/** A lot as a card: its price (current, or the hammer price), its countdown to the start or the end, and the way into its room. */
export function LotCard({ lot, watchers }: { lot: LotCardData; watchers?: number }) {
  const { t } = useTranslation();
  const open = lot.status === 'open';
  const upcoming = lot.status === 'scheduled';
  return (
    <Link to={`/lot/${lot.id}`} data-testid="lot-card">
      <div className="plain-card">
        <div className="card-title">{lot.title}</div>
        <div className="muted">
          {lot.holder.name} · {t(`enums.field.${lot.technicalField}`)} · {t(`enums.dealType.${lot.dealType}`)}
          {lot.sessionTitle ? ` · ${lot.sessionTitle}` : ''}
        </div>
        <div style={{ marginTop: 8 }}>
          {open ? (
            <>
              <div className="muted">{t('lot.currentPrice')}</div>
              <div className="price-big" style={{ fontSize: 20 }}>
                <Money fen={lot.currentFen ?? lot.startingPriceFen} />
              </div>
            </>
          ) : lot.hammerPriceFen ? (
            <>
              <div className="muted">{t('lot.outcome.hammer')}</div>
              <div className="price-big" style={{ fontSize: 20 }}>
                <Money fen={lot.hammerPriceFen} />
              </div>
            </>
          ) : (
            <>
              <div className="muted">{t('lot.startingPrice')}</div>
              <div style={{ fontSize: 18, fontWeight: 600 }}>
                <Money fen={lot.startingPriceFen} />
              </div>
            </>
          )}
        </div>
        <div style={{ marginTop: 6, display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Tag color={open ? 'red' : upcoming ? 'blue' : 'default'}>{t(`status.lot.${lot.result ?? lot.status}`, { defaultValue: lot.status })}</Tag>
          {open ? (
            <span>
              {watchers !== undefined ? (
                <span className="muted" data-testid="card-watchers" style={{ marginRight: 8 }}>
                  {t('lot.watchers', { count: watchers })}
                </span>
              ) : null}
              {t('lot.endsIn')} <Countdown until={lot.endsAt} />
            </span>
          ) : upcoming ? (
            <span>
              {t('lot.startsIn')} <Countdown until={lot.startsAt} />
            </span>
          ) : (
            <span className="muted">{t('lot.bidCount', { count: lot.bidCount })}</span>
          )}
        </div>
      </div>
    </Link>
  );
}

import { queries, type Queryable } from '@zjp/database';

const RESULT_COLUMNS = `session_id AS "sessionId", lots_offered AS "lotsOffered", lots_sold AS "lotsSold", lots_unsold AS "lotsUnsold", lots_withdrawn AS "lotsWithdrawn",
  starting_total_fen::text AS "startingTotalFen", sold_starting_total_fen::text AS "soldStartingTotalFen", hammer_total_fen::text AS "hammerTotalFen",
  premium_hundredths::int AS "premiumHundredths", bidders, online_bidders AS "onlineBidders", floor_bidders AS "floorBidders", bids, online_bids AS "onlineBids",
  proxy_bids AS "proxyBids", floor_bids AS "floorBids", closed_at AS "closedAt", computed_at AS "computedAt"`;

/** 成交结果 of a themed session: computed in one statement over its lots and their accepted bids, stored. */
const SQL = queries(__filename, {
  // a published session, and whether every one of its lots is closed (a cancelled lot is not offered)
  sessionState: `
    SELECT s.id, s.name, s.theme, s.starts_at AS "startsAt", count(l.id)::int AS lots,
           count(l.id) FILTER (WHERE l.status NOT IN ('closed', 'cancelled'))::int AS "openLots"
      FROM auction_sessions s LEFT JOIN lots l ON l.session_id = s.id
     WHERE s.id = $1 AND s.published_at IS NOT NULL
     GROUP BY s.id`,
  // held by the closing transaction of a session's lot until it commits: the lots of one session close one after the other
  lockSession: `SELECT id FROM auction_sessions WHERE id = $1 FOR NO KEY UPDATE`,
  openLots: `SELECT count(*) FILTER (WHERE status NOT IN ('closed', 'cancelled'))::int AS open, count(*)::int AS total FROM lots WHERE session_id = $1`,
  // the figures: lots offered / sold / unsold (withdrawn among them), the totals, 溢价率 in hundredths of a percent
  // rounded half up from the exact fraction hammer ÷ start − 1 over the sold lots, the distinct bidders and the
  // accepted bids (online — proxy bids placed for online bidders counted apart — or from the floor)
  compute: `
    WITH l AS (
      SELECT id, result, unsold_reason, starting_price_fen, hammer_price_fen, closed_at FROM lots WHERE session_id = $1 AND status = 'closed'
    ), lot_totals AS (
      SELECT count(*)::int AS offered,
             count(*) FILTER (WHERE result = 'sold')::int AS sold,
             count(*) FILTER (WHERE result = 'unsold')::int AS unsold,
             count(*) FILTER (WHERE unsold_reason = 'withdrawn')::int AS withdrawn,
             COALESCE(sum(starting_price_fen), 0)::bigint AS starting,
             COALESCE(sum(starting_price_fen) FILTER (WHERE result = 'sold'), 0)::bigint AS sold_starting,
             COALESCE(sum(hammer_price_fen) FILTER (WHERE result = 'sold'), 0)::bigint AS hammer,
             COALESCE(max(closed_at), $2) AS closed_at
        FROM l
    ), bid_totals AS (
      SELECT count(DISTINCT b.organization_id)::int AS bidders,
             count(DISTINCT b.organization_id) FILTER (WHERE NOT r.offline)::int AS online_bidders,
             count(DISTINCT b.organization_id) FILTER (WHERE r.offline)::int AS floor_bidders,
             count(*)::int AS bids,
             count(*) FILTER (WHERE b.source = 'online')::int AS online_bids,
             count(*) FILTER (WHERE b.source = 'proxy')::int AS proxy_bids,
             count(*) FILTER (WHERE b.source = 'floor')::int AS floor_bids
        FROM l JOIN bids b ON b.lot_id = l.id AND b.seq IS NOT NULL JOIN lot_registrations r ON r.id = b.registration_id
    )
    INSERT INTO auction_session_results AS x (session_id, lots_offered, lots_sold, lots_unsold, lots_withdrawn, starting_total_fen, sold_starting_total_fen,
                                              hammer_total_fen, premium_hundredths, bidders, online_bidders, floor_bidders, bids, online_bids, proxy_bids,
                                              floor_bids, closed_at, computed_at)
    SELECT $1, t.offered, t.sold, t.unsold, t.withdrawn, t.starting, t.sold_starting, t.hammer,
           CASE WHEN t.sold > 0 THEN div(2 * 10000 * (t.hammer - t.sold_starting)::numeric + t.sold_starting, 2 * t.sold_starting::numeric)::bigint END,
           b.bidders, b.online_bidders, b.floor_bidders, b.bids, b.online_bids, b.proxy_bids, b.floor_bids, t.closed_at, $2
      FROM lot_totals t CROSS JOIN bid_totals b
    ON CONFLICT (session_id) DO UPDATE SET
      lots_offered = EXCLUDED.lots_offered, lots_sold = EXCLUDED.lots_sold, lots_unsold = EXCLUDED.lots_unsold, lots_withdrawn = EXCLUDED.lots_withdrawn,
      starting_total_fen = EXCLUDED.starting_total_fen, sold_starting_total_fen = EXCLUDED.sold_starting_total_fen, hammer_total_fen = EXCLUDED.hammer_total_fen,
      premium_hundredths = EXCLUDED.premium_hundredths, bidders = EXCLUDED.bidders, online_bidders = EXCLUDED.online_bidders,
      floor_bidders = EXCLUDED.floor_bidders, bids = EXCLUDED.bids, online_bids = EXCLUDED.online_bids, proxy_bids = EXCLUDED.proxy_bids,
      floor_bids = EXCLUDED.floor_bids, closed_at = EXCLUDED.closed_at, computed_at = EXCLUDED.computed_at
    RETURNING ${RESULT_COLUMNS}`,
  stored: `SELECT ${RESULT_COLUMNS} FROM auction_session_results WHERE session_id = $1`,
  // the per-lot table of the downloads, in calling order
  lots: `
    SELECT l.id, l.session_position AS position, l.title, l.starting_price_fen::text AS "startingPriceFen", l.hammer_price_fen::text AS "hammerPriceFen",
           l.result, l.unsold_reason AS "unsoldReason", l.bid_count AS bids, l.closed_at AS "closedAt"
      FROM lots l WHERE l.session_id = $1 AND l.status = 'closed' ORDER BY l.session_position NULLS LAST, l.starts_at, l.id`,
});

export interface SessionState {
  id: string;
  name: string;
  theme: string;
  startsAt: Date;
  lots: number;
  openLots: number;
}

export interface StoredResult {
  sessionId: string;
  lotsOffered: number;
  lotsSold: number;
  lotsUnsold: number;
  lotsWithdrawn: number;
  startingTotalFen: string;
  soldStartingTotalFen: string;
  hammerTotalFen: string;
  premiumHundredths: number | null;
  bidders: number;
  onlineBidders: number;
  floorBidders: number;
  bids: number;
  onlineBids: number;
  proxyBids: number;
  floorBids: number;
  closedAt: Date;
  computedAt: Date;
}

export interface ResultLot {
  id: string;
  position: number | null;
  title: string;
  startingPriceFen: string;
  hammerPriceFen: string | null;
  result: 'sold' | 'unsold';
  unsoldReason: string | null;
  bids: number;
  closedAt: Date;
}

/** A published session and how many of its lots are still to close; undefined when there is none (or a draft). */
export async function sessionState(m: Queryable, id: string): Promise<SessionState | undefined> {
  return ((await m.query(SQL.sessionState, [id])) as SessionState[])[0];
}

/** Locks the session row (FOR NO KEY UPDATE) for the rest of the transaction. */
export async function lockSessionForResult(m: Queryable, id: string): Promise<void> {
  await m.query(SQL.lockSession, [id]);
}

/** Whether every lot of the session is closed (or cancelled), as this statement sees it. */
export async function allLotsClosed(m: Queryable, id: string): Promise<boolean> {
  const [row] = (await m.query(SQL.openLots, [id])) as { open: number; total: number }[];
  return row.total > 0 && row.open === 0;
}

export async function computeResult(m: Queryable, id: string, at: Date): Promise<StoredResult> {
  return ((await m.query(SQL.compute, [id, at])) as StoredResult[])[0];
}

export async function storedResult(m: Queryable, id: string): Promise<StoredResult | undefined> {
  return ((await m.query(SQL.stored, [id])) as StoredResult[])[0];
}

export async function resultLots(m: Queryable, id: string): Promise<ResultLot[]> {
  return (await m.query(SQL.lots, [id])) as ResultLot[];
}

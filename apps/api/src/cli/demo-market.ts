/*
 * The demo market (README "What the demo shows"): themed sessions and lots dated relative to the
 * moment the seed runs (Beijing time), made through the market's own services, so every rule of
 * the API holds: lots by LotsService.createAuction (their close jobs are queued then), floor-style
 * registrations whose deposits arrived by bank transfer (LotsService.registerOffline, as the
 * operator records them), bids through the bidding engine with idempotency keys. Nothing here
 * closes a lot: the worker's close job (or its sweep at start) does, and the contracts context
 * drafts the deals' contracts. Live bidding is scripts/demo-bidders.ts, run only by `npm run demo`.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { type Clock, CLOCK, todayInShanghai } from '@zjp/core';
import { BiddingEngine, ListingFlowsService, LotsService, SessionsService } from '@zjp/market';
import type { Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { DEMO_CLOSING_SESSION, DEMO_FIXED_PRICE_LISTINGS, DEMO_LIVE_SESSION, DEMO_NEXT_WEEK_SESSION, DEMO_TOMORROW_SESSION } from './demo-data';

const MINUTE = 60_000;

export interface DemoMarketActors {
  operator: Principal;
  /** enterprise admins by organisation key: textile, biotech, materials */
  enterprises: Record<'textile' | 'biotech' | 'materials', Principal>;
}

type Say = (line: string) => void;

const yuan = (n: number): bigint => BigInt(n) * 100n;

/** `${date}T${time}` in Beijing time as an instant. */
function beijing(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

export async function seedDemoMarket(app: INestApplicationContext, actors: DemoMarketActors, say: Say): Promise<void> {
  const db = app.get(DataSource);
  const clock = app.get<Clock>(CLOCK);
  const lots = app.get(LotsService);
  const sessions = app.get(SessionsService);
  const engine = app.get(BiddingEngine);
  const now = clock.now();
  const at = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);

  const achievementId = async (title: string): Promise<string> => {
    const [row] = (await db.query(`SELECT id FROM achievements WHERE title = $1 AND registration_status = 'registered' ORDER BY created_at LIMIT 1`, [
      title,
    ])) as { id: string }[];
    if (!row) throw new Error(`demo achievement missing: ${title}`);
    return row.id;
  };
  const newSession = async (spec: { name: string; theme: string }, startsAt: Date, runMode: 'parallel' | 'sequential' = 'parallel') =>
    (await sessions.create(actors.operator, { name: spec.name, theme: spec.theme, runMode, startsAt: startsAt.toISOString() })).id;
  const newLot = async (
    sessionId: string,
    title: string,
    o: { startYuan: number; stepYuan: number; reserveYuan?: number; startsAt: Date; endsAt: Date; extensionMinutes: number; capMinutes?: number },
  ) =>
    lots.createAuction(actors.operator, {
      achievementId: await achievementId(title),
      dealType: 'transfer',
      startingPriceFen: yuan(o.startYuan).toString(),
      reservePriceFen: o.reserveYuan === undefined ? undefined : yuan(o.reserveYuan).toString(),
      increment: { kind: 'fixed', amountFen: yuan(o.stepYuan).toString() },
      depositFen: yuan(o.startYuan / 10).toString(),
      startsAt: o.startsAt.toISOString(),
      endsAt: o.endsAt.toISOString(),
      extensionMinutes: o.extensionMinutes,
      ...(o.capMinutes === undefined ? {} : { extensionCapMinutes: o.capMinutes }),
      sessionId,
    });
  const sessionsStarting = async (from: Date, to: Date): Promise<number> =>
    ((await db.query(`SELECT count(*)::int AS n FROM auction_sessions WHERE starts_at > $1 AND starts_at <= $2`, [from, to])) as { n: number }[])[0].n;

  // 1. Closed lots with hammer prices: auctioned now, for a few seconds, by registered bidders, closed by the worker.
  const closedExist = ((await db.query(`SELECT count(*)::int AS n FROM lots WHERE title = ANY($1)`, [DEMO_CLOSING_SESSION.lots])) as { n: number }[])[0].n;
  if (!closedExist) {
    const ends = at(0.4); // ~25 s: the bids below take well under a second
    const sessionId = await newSession(DEMO_CLOSING_SESSION, at(-30));
    const [colour, motor, coating] = DEMO_CLOSING_SESSION.lots;
    const plan: { title: string; startYuan: number; stepYuan: number; reserveYuan?: number; bids: [keyof DemoMarketActors['enterprises'], number][] }[] = [
      {
        title: colour,
        startYuan: 500_000,
        stepYuan: 10_000,
        bids: [
          ['materials', 500_000],
          ['textile', 520_000],
          ['biotech', 530_000],
          ['textile', 560_000],
          ['materials', 580_000],
          ['textile', 620_000],
        ],
      },
      {
        title: motor,
        startYuan: 400_000,
        stepYuan: 10_000,
        bids: [
          ['textile', 400_000],
          ['materials', 420_000],
          ['textile', 440_000],
          ['materials', 470_000],
        ],
      },
      {
        title: coating,
        startYuan: 900_000,
        stepYuan: 20_000,
        reserveYuan: 1_200_000,
        bids: [
          ['biotech', 900_000],
          ['materials', 940_000],
        ],
      },
    ];
    for (const p of plan) {
      const lot = await newLot(sessionId, p.title, { ...p, startsAt: at(-30), endsAt: ends, extensionMinutes: 0 });
      const bidders = [...new Set(p.bids.map(([who]) => who))];
      for (const who of bidders) {
        // the bidder's deposit came by bank transfer (对公转账): the operator records it and registers the bidder
        await lots.registerOffline(actors.operator, lot.id, {
          organizationId: actors.enterprises[who].organizationId,
          bankReference: `DEMO-${lot.id}-${who}`.toUpperCase(),
        });
      }
      for (const [i, [who, amount]] of p.bids.entries()) {
        const r = await engine.submit({
          lotId: lot.id,
          organizationId: actors.enterprises[who].organizationId,
          userId: actors.enterprises[who].userId,
          amountFen: yuan(amount),
          idempotencyKey: `demo-seed-${lot.id}-${i}`,
          source: 'online',
        });
        if (r.status !== 'accepted') say(`seed: bid ${amount} 元 by ${who} on 「${p.title}」 was ${r.status} (${r.code ?? ''})`);
      }
      say(`seed: lot 「${p.title}」 ends at ${ends.toISOString()} with ${p.bids.length} bids; the worker closes it`);
    }
    // Let them end before the worker starts, so its start-up sweep closes them at once.
    const wait = ends.getTime() - clock.now().getTime() + 1_000;
    if (wait > 0) {
      say(`seed: waiting ${Math.ceil(wait / 1000)} s for the first lots to end`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  // 2. A themed session live now: one lot open and counting down (25 min, anti-sniping 5 min up to 15 more), the others later.
  const liveOpen = (
    (await db.query(
      `SELECT count(*)::int AS n FROM lots WHERE session_id IS NOT NULL AND title = ANY($1) AND status NOT IN ('closed', 'cancelled') AND ends_at > $2`,
      [DEMO_LIVE_SESSION.lots, now],
    )) as { n: number }[]
  )[0].n;
  if (!liveOpen) {
    const sessionId = await newSession(DEMO_LIVE_SESSION, at(-15));
    const [first, ...later] = DEMO_LIVE_SESSION.lots;
    await newLot(sessionId, first, {
      startYuan: 1_000_000,
      stepYuan: 2_000,
      reserveYuan: 1_100_000,
      startsAt: at(-15),
      endsAt: at(25),
      extensionMinutes: 5,
      capMinutes: 15,
    });
    const prices = [600_000, 2_000_000, 350_000];
    for (const [i, title] of later.entries()) {
      await newLot(sessionId, title, {
        startYuan: prices[i],
        stepYuan: prices[i] / 500,
        startsAt: at(25 + i * 30),
        endsAt: at(55 + i * 30),
        extensionMinutes: 5,
        capMinutes: 15,
      });
    }
    say(`seed: live session 「${DEMO_LIVE_SESSION.name}」: ${DEMO_LIVE_SESSION.lots.length} lots, the first ends at ${at(25).toISOString()}`);
  }

  // 3. Upcoming sessions: tomorrow 10:00 and a week from today 14:00, Beijing time.
  const today = todayInShanghai(clock);
  if (!(await sessionsStarting(at(120), at(48 * 60)))) {
    const day = today.plusDays(1).toString();
    const sessionId = await newSession(DEMO_TOMORROW_SESSION, beijing(day, '10:00'));
    const [a, b] = DEMO_TOMORROW_SESSION.lots;
    await newLot(sessionId, a, { startYuan: 1_500_000, stepYuan: 10_000, startsAt: beijing(day, '10:00'), endsAt: beijing(day, '11:00'), extensionMinutes: 5 });
    await newLot(sessionId, b, { startYuan: 800_000, stepYuan: 5_000, startsAt: beijing(day, '10:30'), endsAt: beijing(day, '11:30'), extensionMinutes: 5 });
    say(`seed: session 「${DEMO_TOMORROW_SESSION.name}」 on ${day}`);
  }
  if (!(await sessionsStarting(at(48 * 60), at(14 * 24 * 60)))) {
    const day = today.plusDays(7).toString();
    const sessionId = await newSession(DEMO_NEXT_WEEK_SESSION, beijing(day, '14:00'));
    const [a, b] = DEMO_NEXT_WEEK_SESSION.lots;
    await newLot(sessionId, a, { startYuan: 300_000, stepYuan: 2_000, startsAt: beijing(day, '14:00'), endsAt: beijing(day, '16:00'), extensionMinutes: 5 });
    await newLot(sessionId, b, { startYuan: 1_800_000, stepYuan: 10_000, startsAt: beijing(day, '14:30'), endsAt: beijing(day, '16:30'), extensionMinutes: 5 });
    say(`seed: session 「${DEMO_NEXT_WEEK_SESSION.name}」 on ${day}`);
  }

  // 4. Fixed-price listings (挂牌) in their public notice (10 working days), beside the forced ones of today's scan.
  for (const l of DEMO_FIXED_PRICE_LISTINGS) {
    const id = await achievementId(l.title);
    const listed = (
      (await db.query(`SELECT count(*)::int AS n FROM listings WHERE achievement_id = $1 AND mode = 'fixed_price' AND NOT forced AND status = 'active'`, [
        id,
      ])) as {
        n: number;
      }[]
    )[0].n;
    if (listed) continue;
    const r = await app.get(ListingFlowsService).create(actors.operator, {
      achievementId: id,
      mode: 'fixed_price',
      dealType: l.dealType,
      ...(l.licenseType ? { licenseType: l.licenseType } : {}),
      priceFen: yuan(l.priceYuan).toString(),
      noticeDays: 10,
    });
    say(`seed: fixed-price listing 「${l.title}」, notice until ${r.noticeEndsAt}`);
  }
}

import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AchievementsModule, IdleScanService } from '../../libs/achievements/src';
import { evaluateIdleRule, type AchievementFacts } from '../../libs/achievements/src/domain';
import { LocalDate } from '../../libs/core/src';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule } from '../../libs/platform/src';
import { testConfig } from '../support/config';
import { insertAchievement, insertHolder, insertUser } from '../support/registry-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('the idle-IP scan (P-2Y / P-3Y) on PostgreSQL', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let scans: IdleScanService;
  let holder: string;
  let user: string;
  const d = LocalDate.parse;
  const state = async (id: string) => ((await ds.query(`SELECT rule_state FROM achievements WHERE id = $1`, [id])) as { rule_state: string }[])[0].rule_state;
  const openListings = async (id: string) =>
    (await ds.query(
      `SELECT status, forced, price_fen::text AS price, to_char(price_deadline, 'YYYY-MM-DD') AS deadline FROM listings WHERE achievement_id = $1 AND status IN ('active', 'suspended')`,
      [id],
    )) as {
      status: string;
      forced: boolean;
      price: string | null;
      deadline: string | null;
    }[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    const module = await Test.createTestingModule({
      imports: [PlatformConfigModule.forRoot(config), DatabaseModule.forRoot(config), AchievementsModule],
    }).compile();
    app = await module.init();
    ds = app.get(DataSource);
    scans = app.get(IdleScanService);
    holder = await insertHolder(ds);
    user = await insertUser(ds, holder);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('lists an idle achievement the day after its 2-year period, with a forced listing, an event and a notification', async () => {
    const id = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2023-05-10' }], askingPriceFen: 150_000_000n });
    await scans.scan(d('2025-05-10'));
    expect(await state(id)).toBe('clear');
    await scans.scan(d('2025-05-11'));
    expect(await state(id)).toBe('use_first');
    expect(await openListings(id)).toEqual([{ status: 'active', forced: true, price: '150000000', deadline: null }]);
    const events = await ds.query(
      `SELECT clause, from_state, to_state, to_char(threshold_on, 'YYYY-MM-DD') AS threshold FROM rule_events WHERE achievement_id = $1`,
      [id],
    );
    expect(events).toEqual([{ clause: 'P-2Y', from_state: 'clear', to_state: 'use_first', threshold: '2025-05-11' }]);
    const notes = await ds.query(`SELECT organization_id, kind, data->>'count' AS count FROM notifications WHERE data->'achievementIds' ? $1`, [id]);
    expect(notes).toEqual([{ organization_id: holder, kind: 'rule.use_first', count: '1' }]);
  });

  it('flags "price to be set" with a deadline when the holder gave no asking price', async () => {
    const id = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2022-01-10' }], askingPriceFen: null });
    await scans.scan(d('2024-06-01'));
    expect(await openListings(id)).toEqual([{ status: 'active', forced: true, price: null, deadline: '2024-07-01' }]);
  });

  it('is idempotent: a second scan on the same date changes nothing and creates nothing', async () => {
    await insertAchievement(ds, holder, { grants: [{ grantedOn: '2021-03-01' }] });
    const first = await scans.scan(d('2025-01-01'));
    const counts = async () =>
      (
        await ds.query(
          `SELECT (SELECT count(*) FROM rule_events)::int AS e, (SELECT count(*) FROM listings)::int AS l, (SELECT count(*) FROM notifications)::int AS n`,
        )
      )[0];
    const before = await counts();
    const second = await scans.scan(d('2025-01-01'));
    expect(first.changed).toBeGreaterThan(0);
    expect(second.changed).toBe(0);
    expect(await counts()).toEqual(before);
  });

  it('notifies each holder once per kind of change and scan, listing the achievements', async () => {
    const other = await insertHolder(ds, 'digest-holder');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await insertAchievement(ds, other, { grants: [{ grantedOn: '2019-03-03' }] }));
    await scans.scan(d('2021-03-04'));
    const notes = (await ds.query(`SELECT kind, data FROM notifications WHERE organization_id = $1`, [other])) as {
      kind: string;
      data: { count: number; achievementIds: string[] };
    }[];
    expect(notes).toHaveLength(1);
    expect(notes[0].kind).toBe('rule.use_first');
    expect(notes[0].data.count).toBe(3);
    expect([...notes[0].data.achievementIds].sort()).toEqual([...ids].sort());
  });

  it('two scans at once create each listing and event once', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => insertAchievement(ds, holder, { grants: [{ grantedOn: '2020-02-03' }] })));
    const results = await Promise.all([scans.scan(d('2023-02-04')), scans.scan(d('2023-02-04'))]);
    expect(results.map((r) => r.changed).sort()).toEqual([0, expect.any(Number)].sort());
    for (const id of ids) {
      expect(await openListings(id)).toHaveLength(1);
      expect((await ds.query(`SELECT count(*)::int AS n FROM rule_events WHERE achievement_id = $1`, [id]))[0].n).toBe(1);
    }
  });

  it('moves to free-licence eligible at a full 3 years, keeping one forced listing', async () => {
    const id = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2022-12-31' }], askingPriceFen: 1n });
    await scans.scan(d('2025-01-01'));
    expect(await state(id)).toBe('use_first');
    await scans.scan(d('2025-12-31'));
    expect(await state(id)).toBe('use_first');
    await scans.scan(d('2026-01-01'));
    expect(await state(id)).toBe('free_license_eligible');
    expect(await openListings(id)).toHaveLength(1);
  });

  it('an approved justification suspends the rule and the listing until it ends; then the rule applies again', async () => {
    const id = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2021-06-01' }] });
    await scans.scan(d('2023-07-01'));
    expect(await state(id)).toBe('use_first');
    await ds.query(
      `INSERT INTO justifications (achievement_id, category, explanation, ends_on, status, submitted_by) VALUES ($1, 'litigation_or_dispute', '权属纠纷', '2023-12-31', 'approved', $2)`,
      [id, user],
    );
    await scans.scan(d('2023-07-02'));
    expect(await state(id)).toBe('suspended');
    expect((await openListings(id))[0].status).toBe('suspended');
    await scans.scan(d('2023-12-31'));
    expect(await state(id)).toBe('suspended');
    await scans.scan(d('2024-01-01'));
    expect(await state(id)).toBe('use_first');
    expect(await openListings(id)).toEqual([expect.objectContaining({ status: 'active' })]);
  });

  it('a pending or rejected justification does not suspend', async () => {
    const id = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2021-06-01' }] });
    await ds.query(
      `INSERT INTO justifications (achievement_id, category, explanation, ends_on, status, submitted_by) VALUES ($1, 'other', 'x', '2030-01-01', 'pending', $2), ($1, 'other', 'y', '2030-01-01', 'rejected', $2)`,
      [id, user],
    );
    await scans.scan(d('2024-01-01'));
    expect(await state(id)).toBe('use_first');
  });

  it('a transformation taking effect removes the achievement from the list and closes the forced listing', async () => {
    const id = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2021-06-01' }] });
    await scans.scan(d('2024-01-01'));
    expect(await state(id)).toBe('use_first');
    await ds.query(
      `INSERT INTO transformations (achievement_id, kind, license_type, source, status, took_effect_on) VALUES ($1, 'license', 'exclusive', 'contract', 'effective', '2024-02-01')`,
      [id],
    );
    await scans.scan(d('2024-01-31'));
    expect(await state(id)).toBe('use_first');
    await scans.scan(d('2024-02-01'));
    expect(await state(id)).toBe('clear');
    expect(await openListings(id)).toEqual([]);
    expect((await ds.query(`SELECT status, status_reason FROM listings WHERE achievement_id = $1`, [id]))[0]).toEqual({
      status: 'closed',
      status_reason: 'no longer idle',
    });
  });

  it('never lists basic research, drafts, withdrawn achievements, or rights that lapsed', async () => {
    const ids = [
      await insertAchievement(ds, holder, { kind: 'basic', grants: [{ grantedOn: '2015-01-01' }] }),
      await insertAchievement(ds, holder, { status: 'draft', grants: [{ grantedOn: '2015-01-01' }] }),
      await insertAchievement(ds, holder, { status: 'withdrawn', grants: [{ grantedOn: '2015-01-01' }] }),
      await insertAchievement(ds, holder, { grants: [{ grantedOn: '2015-01-01', status: 'lapsed' }, { grantedOn: '2025-01-01' }] }),
    ];
    await scans.scan(d('2026-01-01'));
    for (const id of ids) expect(await state(id)).toBe('clear');
  });

  it('agrees with the pure rule (domain/idle-rule.ts) on 300 random achievements and dates', async () => {
    const rand = (n: number) => Math.floor(Math.random() * n);
    const dateBetween = (from: string, days: number) => d(from).plusDays(rand(days)).toString();
    const cases: { id: string; facts: AchievementFacts }[] = [];
    const h = await insertHolder(ds, 'random-holder');
    for (let i = 0; i < 300; i++) {
      const grants = Array.from({ length: rand(3) }, () => ({
        grantedOn: rand(6) === 0 ? null : dateBetween('2019-01-01', 2400),
        status: (['valid', 'valid', 'valid', 'lapsed', 'invalidated'] as const)[rand(5)],
      }));
      const kind = rand(8) === 0 ? 'basic' : 'applied';
      const status = (['registered', 'registered', 'registered', 'registered', 'draft', 'withdrawn'] as const)[rand(6)];
      const id = await insertAchievement(ds, h, { kind, status, grants });
      const transformations =
        rand(4) === 0 ? [{ status: (['effective', 'pending', 'rejected'] as const)[rand(3)], tookEffectOn: dateBetween('2021-01-01', 1800) }] : [];
      for (const t of transformations) {
        await ds.query(
          `INSERT INTO transformations (achievement_id, kind, source, status, took_effect_on) VALUES ($1, 'own_implementation', 'declaration', $2, $3)`,
          [id, t.status, t.status === 'effective' ? t.tookEffectOn : null],
        );
      }
      const justifications =
        rand(4) === 0 ? [{ status: (['approved', 'pending', 'rejected'] as const)[rand(3)], endsOn: dateBetween('2023-01-01', 1200) }] : [];
      for (const j of justifications) {
        await ds.query(
          `INSERT INTO justifications (achievement_id, category, explanation, ends_on, status, submitted_by) VALUES ($1, 'other', 'x', $2, $3, $4)`,
          [id, j.endsOn, j.status, user],
        );
      }
      cases.push({
        id,
        facts: {
          kind,
          registrationStatus: status,
          ipRights: grants.map((g) => ({ grantedOn: g.grantedOn ? d(g.grantedOn) : null, status: g.status })),
          transformations: transformations.map((t) => ({ status: t.status, tookEffectOn: t.status === 'effective' ? d(t.tookEffectOn) : null })),
          justifications: justifications.map((j) => ({ status: j.status, endsOn: d(j.endsOn) })),
        },
      });
    }
    for (const on of ['2023-06-15', '2025-03-01', '2026-11-25']) {
      await scans.scan(d(on));
      const rows = (await ds.query(`SELECT id, rule_state FROM achievements WHERE holder_id = $1`, [h])) as { id: string; rule_state: string }[];
      const actual = new Map(rows.map((r) => [r.id, r.rule_state]));
      const disagreements = cases.filter((c) => actual.get(c.id) !== evaluateIdleRule(c.facts, d(on)).state);
      expect(disagreements.map((c) => ({ facts: c.facts, sql: actual.get(c.id), pure: evaluateIdleRule(c.facts, d(on)).state }))).toEqual([]);
    }
  });
});

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contracts context's published payment schedule (PUBLISHED_READ_MODELS.contracts):
 * `contract_schedule_directory`, one row per fixed obligation of a contract's terms — the lump
 * sum, each instalment, each milestone, each reported royalty period — with its amount and the
 * day it falls due, derived as libs/contracts/src/domain/fee-schedule.ts derives it (a date, or
 * a number of days after the fees start: signing, for use-first the conversion; a milestone from
 * the day it was reached; a royalty from the end of its period). `due_on` is null while the
 * obligation cannot fall due yet (a milestone not reached, use-first fees before conversion).
 * Written without a CTE so that the planner inlines every branch and a filter on contract_id
 * reaches the contracts' primary key. What was paid against them is the payments context's; the subsidy outlook reads both.
 */
export class ContractScheduleDirectory1764000140000 implements MigrationInterface {
  name = 'ContractScheduleDirectory1764000140000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW contract_schedule_directory AS
      SELECT c.id AS contract_id, 'lump_sum'::text AS obligation_key, 'lump_sum'::text AS kind, (f.fee->>'amountFen')::bigint AS amount_fen,
             COALESCE((f.fee->>'dueOn')::date, (CASE WHEN c.type = 'use_first' THEN c.converted_on ELSE c.took_effect_on END) + (f.fee->>'dueDays')::int) AS due_on
        FROM contracts c CROSS JOIN LATERAL jsonb_array_elements(c.terms->'fees') AS f (fee)
       WHERE f.fee->>'kind' = 'lump_sum'
      UNION ALL
      SELECT c.id, 'instalment:' || i.n, 'instalment', (i.inst->>'amountFen')::bigint,
             COALESCE((i.inst->>'dueOn')::date, (CASE WHEN c.type = 'use_first' THEN c.converted_on ELSE c.took_effect_on END) + (i.inst->>'dueDays')::int)
        FROM contracts c CROSS JOIN LATERAL jsonb_array_elements(c.terms->'fees') AS f (fee)
               CROSS JOIN LATERAL jsonb_array_elements(f.fee->'instalments') WITH ORDINALITY AS i (inst, n)
       WHERE f.fee->>'kind' = 'instalments'
      UNION ALL
      SELECT c.id, 'milestone:' || (ms.m->>'key'), 'milestone', (ms.m->>'amountFen')::bigint,
             CASE WHEN r.reached_on IS NULL OR (CASE WHEN c.type = 'use_first' THEN c.converted_on ELSE c.took_effect_on END) IS NULL THEN NULL
                  ELSE greatest(r.reached_on, (CASE WHEN c.type = 'use_first' THEN c.converted_on ELSE c.took_effect_on END)) + (ms.m->>'dueDays')::int END
        FROM contracts c CROSS JOIN LATERAL jsonb_array_elements(c.terms->'fees') AS f (fee)
               CROSS JOIN LATERAL jsonb_array_elements(f.fee->'milestones') AS ms (m)
               LEFT JOIN contract_milestones r ON r.contract_id = c.id AND r.milestone_key = ms.m->>'key'
       WHERE f.fee->>'kind' = 'milestones'
      UNION ALL
      SELECT c.id, 'royalty:' || r.period_index, 'royalty', r.royalty_fen, r.period_ends_on + (f.fee->>'dueDays')::int
        FROM contracts c CROSS JOIN LATERAL jsonb_array_elements(c.terms->'fees') AS f (fee)
               JOIN contract_royalty_reports r ON r.contract_id = c.id
       WHERE f.fee->>'kind' = 'royalty'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW contract_schedule_directory`);
  }
}

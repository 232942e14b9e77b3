import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract numbers of the form technology-contract registries use: `YYYY-RRRRRR-NNNNNN` — the
 * year the contract was created (Asia/Shanghai calendar), the 6-digit administrative region code of
 * the seller (holder) organisation, and a sequence per year and region.
 *
 * The sequence comes from `contract_number_counters`, advanced by one atomic
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` (never a SELECT max, which two concurrent creations
 * would both read). It runs in an AFTER INSERT row trigger, so it fires only for a row actually
 * inserted (an `ON CONFLICT DO NOTHING` that skips a duplicate draft consumes no number), on every
 * path that creates a contract, in the creating transaction: the counter row stays locked until
 * that transaction ends, and a rollback gives its number back — numbers are consecutive, without
 * gaps or duplicates. Existing contracts are numbered in creation order.
 */
export class ContractNumbers1764000120000 implements MigrationInterface {
  name = 'ContractNumbers1764000120000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract_number_counters (
        year int NOT NULL CHECK (year BETWEEN 2000 AND 9999),
        region_code char(6) NOT NULL CHECK (region_code ~ '^[1-9][0-9]{5}$'),
        last_value int NOT NULL CHECK (last_value BETWEEN 1 AND 999999),
        PRIMARY KEY (year, region_code)
      )`);
    await q.query(`
      ALTER TABLE contracts ADD COLUMN contract_number text UNIQUE CHECK (contract_number ~ '^[0-9]{4}-[1-9][0-9]{5}-[0-9]{6}$')`);
    await q.query(`
      CREATE FUNCTION contracts_assign_number() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        y int := extract(year FROM NEW.created_at AT TIME ZONE 'Asia/Shanghai');
        r char(6);
        n int;
      BEGIN
        IF NEW.contract_number IS NOT NULL THEN RETURN NULL; END IF;
        SELECT region_code INTO STRICT r FROM organization_directory WHERE id = NEW.seller_id;
        INSERT INTO contract_number_counters AS c (year, region_code, last_value) VALUES (y, r, 1)
          ON CONFLICT (year, region_code) DO UPDATE SET last_value = c.last_value + 1
          RETURNING c.last_value INTO n;
        UPDATE contracts SET contract_number = y::text || '-' || r || '-' || lpad(n::text, 6, '0') WHERE id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER contracts_number AFTER INSERT ON contracts FOR EACH ROW EXECUTE FUNCTION contracts_assign_number()`);
    // the contracts there are: numbered in creation order within their year and region
    await q.query(`
      WITH numbered AS (
        SELECT c.id, extract(year FROM c.created_at AT TIME ZONE 'Asia/Shanghai')::int AS year, o.region_code,
               row_number() OVER (PARTITION BY extract(year FROM c.created_at AT TIME ZONE 'Asia/Shanghai'), o.region_code ORDER BY c.created_at, c.id)::int AS n
          FROM contracts c JOIN organizations o ON o.id = c.seller_id)
      UPDATE contracts c SET contract_number = x.year::text || '-' || x.region_code || '-' || lpad(x.n::text, 6, '0') FROM numbered x WHERE x.id = c.id`);
    await q.query(`
      INSERT INTO contract_number_counters (year, region_code, last_value)
      SELECT substr(contract_number, 1, 4)::int, substr(contract_number, 6, 6), max(substr(contract_number, 13)::int)
        FROM contracts GROUP BY 1, 2`);
    await q.query(`
      CREATE OR REPLACE VIEW contract_directory AS
      SELECT id, type, status, achievement_id, deal_id, seller_id, buyer_id, took_effect_on, registration_number, registered_on, price_fen, terms, contract_number
        FROM contracts`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW contract_directory`); // a view loses a column only by being recreated
    await q.query(`
      CREATE OR REPLACE VIEW contract_directory AS
      SELECT id, type, status, achievement_id, deal_id, seller_id, buyer_id, took_effect_on, registration_number, registered_on, price_fen, terms
        FROM contracts`);
    await q.query(`DROP TRIGGER contracts_number ON contracts`);
    await q.query(`DROP FUNCTION contracts_assign_number()`);
    await q.query(`ALTER TABLE contracts DROP COLUMN contract_number`);
    await q.query(`DROP TABLE contract_number_counters`);
  }
}

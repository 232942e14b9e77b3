import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalogue search, faster (docs/BENCHMARKS.md "Catalogue search"). On 100,000 achievements with
 * the server's default settings, 1764000003000 left two kinds of search slow: a common term with a
 * filter, whose count read every match of the term and checked the filter on it (an IP-right type
 * by a lookup in ip_rights per row), and a one-character query, which no index served. Now:
 * - `ip_type_mask`: a bit for each type of an achievement's valid IP rights, kept by statement
 *   triggers on ip_rights (insert, update, delete, truncate) and backfilled here, so that the
 *   IP-type filter is a condition on the row instead of a semi-join;
 * - one partial GIN index (registered rows only) holds, per row, its bigrams, its title and keyword
 *   bigrams, its characters and its title and keyword characters (`catalogue_unigrams`, computed for
 *   the index only, nothing stored), its IP-right types, technical field, rule state (btree_gin) and
 *   IPC prefixes. A term and any of these filters is one index scan that intersects the lists, so
 *   the rows read are the matches of both, not of the term alone. It replaces the bigram, the
 *   title/keyword bigram and the IPC-prefix indexes.
 * The rows are still read (PostgreSQL 15's bitmap scans visit every match), which bounds a count of
 * a common term: the cap of 10,000 matches.
 */
export class CatalogueSpeed1764000007000 implements MigrationInterface {
  name = 'CatalogueSpeed1764000007000';

  async up(q: QueryRunner): Promise<void> {
    // GIN operator classes for scalar columns (technical_field, rule_state); trusted, like pg_trgm.
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);

    // The distinct characters of a text other than white space, each as its code point: a
    // one-character query is one key, exact. For the index only; declared expensive so that no
    // plan prefers to compute it row by row over asking the index.
    await q.query(`
      CREATE FUNCTION catalogue_unigrams(t text) RETURNS integer[]
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
        BEGIN
          RETURN ARRAY(SELECT DISTINCT ascii(c) FROM unnest(string_to_array(regexp_replace(t, '\\s', '', 'g'), NULL)) AS c);
        END
        $$`);

    // The types of IP right, each a bit of achievements.ip_type_mask: a smallint fits in the row's
    // alignment padding, where a text[] of the names made rows 50 bytes longer and the heap at least
    // 18% larger. The order is that of ip_rights.type's CHECK; a new type is appended here (until it
    // is, catalogue_ip_type_bit refuses it, and with it a valid right of that type).
    await q.query(`
      CREATE FUNCTION catalogue_ip_type_list() RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN ARRAY['invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'plant_variety', 'ic_layout', 'technical_secret']`);
    await q.query(`
      CREATE FUNCTION catalogue_ip_type_bit(type text) RETURNS smallint
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
          position int := array_position(catalogue_ip_type_list(), type);
        BEGIN
          IF position IS NULL THEN
            RAISE EXCEPTION 'IP-right type % has no bit in catalogue_ip_type_list()', type;
          END IF;
          RETURN (1 << (position - 1))::smallint;
        END
        $$`);
    // The names of the types in a mask, for the index: the IP-type filter is one of its keys.
    await q.query(`
      CREATE FUNCTION catalogue_ip_types(mask smallint) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN ARRAY(SELECT t FROM unnest(catalogue_ip_type_list()) WITH ORDINALITY AS x (t, i) WHERE mask & (1 << (i - 1)::int) <> 0 ORDER BY i)`);

    await q.query(`ALTER TABLE achievements ADD COLUMN ip_type_mask smallint NOT NULL DEFAULT 0`);
    // After each statement on ip_rights, the achievements whose valid (achievement, type) pairs
    // changed get their mask recomputed. They are locked first, in a fixed order: a concurrent
    // change to the rights of the same achievement waits, and the UPDATE that follows (a new
    // statement, hence a new snapshot under READ COMMITTED) sees what the other one committed.
    await q.query(`
      CREATE FUNCTION ip_rights_catalogue_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
          touched uuid[];
        BEGIN
          IF TG_OP = 'TRUNCATE' THEN
            UPDATE achievements SET ip_type_mask = 0 WHERE ip_type_mask <> 0;
            RETURN NULL;
          ELSIF TG_OP = 'INSERT' THEN
            touched := ARRAY(SELECT DISTINCT achievement_id FROM new_rights WHERE status = 'valid');
          ELSIF TG_OP = 'DELETE' THEN
            touched := ARRAY(SELECT DISTINCT achievement_id FROM old_rights WHERE status = 'valid');
          ELSE
            touched := ARRAY(
              SELECT DISTINCT achievement_id FROM (
                (SELECT achievement_id, type FROM old_rights WHERE status = 'valid'
                 EXCEPT ALL SELECT achievement_id, type FROM new_rights WHERE status = 'valid')
                UNION ALL
                (SELECT achievement_id, type FROM new_rights WHERE status = 'valid'
                 EXCEPT ALL SELECT achievement_id, type FROM old_rights WHERE status = 'valid')
              ) AS changed);
          END IF;
          IF cardinality(touched) > 0 THEN
            PERFORM 1 FROM achievements WHERE id = ANY (touched) ORDER BY id FOR NO KEY UPDATE;
            UPDATE achievements a SET ip_type_mask = t.mask
              FROM (
                SELECT t.id, coalesce((SELECT bit_or(catalogue_ip_type_bit(r.type)) FROM ip_rights r WHERE r.achievement_id = t.id AND r.status = 'valid'), 0) AS mask
                FROM unnest(touched) AS t (id)
              ) AS t
              WHERE a.id = t.id AND a.ip_type_mask <> t.mask;
          END IF;
          RETURN NULL;
        END
        $$`);
    // Transition tables allow one event per trigger.
    await q.query(`
      CREATE TRIGGER ip_rights_catalogue_insert AFTER INSERT ON ip_rights
        REFERENCING NEW TABLE AS new_rights FOR EACH STATEMENT EXECUTE FUNCTION ip_rights_catalogue_sync()`);
    await q.query(`
      CREATE TRIGGER ip_rights_catalogue_update AFTER UPDATE ON ip_rights
        REFERENCING OLD TABLE AS old_rights NEW TABLE AS new_rights FOR EACH STATEMENT EXECUTE FUNCTION ip_rights_catalogue_sync()`);
    await q.query(`
      CREATE TRIGGER ip_rights_catalogue_delete AFTER DELETE ON ip_rights
        REFERENCING OLD TABLE AS old_rights FOR EACH STATEMENT EXECUTE FUNCTION ip_rights_catalogue_sync()`);
    await q.query(`CREATE TRIGGER ip_rights_catalogue_truncate AFTER TRUNCATE ON ip_rights FOR EACH STATEMENT EXECUTE FUNCTION ip_rights_catalogue_sync()`);
    // The index replaces these three; dropped before the backfill, which then need not maintain them.
    await q.query(`DROP INDEX IF EXISTS achievements_search_bigrams_idx, achievements_search_head_bigrams_idx, achievements_ipc_prefixes_idx`);
    await q.query(`
      UPDATE achievements a SET ip_type_mask = t.mask
      FROM (SELECT achievement_id, bit_or(catalogue_ip_type_bit(type)) AS mask FROM ip_rights WHERE status = 'valid' GROUP BY achievement_id) AS t
      WHERE a.id = t.achievement_id`);

    // One index for the whole catalogue: a term and any of these filters are one scan.
    await q.query(`
      CREATE INDEX achievements_catalogue_search_idx ON achievements USING gin (
          search_bigrams, search_head_bigrams, catalogue_unigrams(search_text), catalogue_unigrams(catalogue_head(search_text)),
          catalogue_ip_types(ip_type_mask), technical_field, rule_state, catalogue_ipc_prefixes(ipc_classes))
        WHERE registration_status = 'registered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX achievements_catalogue_search_idx`);
    await q.query(`CREATE INDEX achievements_search_bigrams_idx ON achievements USING gin (search_bigrams) WHERE registration_status = 'registered'`);
    await q.query(`
      CREATE INDEX achievements_search_head_bigrams_idx ON achievements USING gin (search_head_bigrams)
        WHERE registration_status = 'registered'`);
    await q.query(`CREATE INDEX achievements_ipc_prefixes_idx ON achievements USING gin (catalogue_ipc_prefixes(ipc_classes))`);
    for (const event of ['insert', 'update', 'delete', 'truncate']) await q.query(`DROP TRIGGER ip_rights_catalogue_${event} ON ip_rights`);
    await q.query(`DROP FUNCTION ip_rights_catalogue_sync()`);
    await q.query(`ALTER TABLE achievements DROP COLUMN ip_type_mask`);
    for (const fn of ['catalogue_ip_types(smallint)', 'catalogue_ip_type_bit(text)', 'catalogue_ip_type_list()', 'catalogue_unigrams(text)']) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    // btree_gin stays, as pg_trgm does: another object may have come to use it.
  }
}

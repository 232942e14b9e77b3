import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalogue search (GLOSSARY "Chinese search"). A trigger keeps `search_text` (the folded title,
 * each keyword and the abstract, one per line) and `search_bigrams`: every distinct two-character
 * window of it (windows do not straddle white space or lines), each as an integer. A query for
 * "石墨烯" asks the GIN index for rows holding both 石墨 and 墨烯, then
 * `search_text LIKE '%石墨烯%'` checks the exact substring. Two-character terms (芯片, 电池) are
 * one bigram, which a trigram index cannot serve. The query side folds and encodes its input with
 * the same functions, so both sides always agree.
 *
 * What the measurements (docs/BENCHMARKS.md, 100,000 achievements) changed in 1764000002000's plan:
 * - bigrams are stored as integers (the two code points of a BMP pair, exactly; a hash otherwise,
 *   whose rare collisions the LIKE recheck removes): 460 bytes a row instead of 840 compressed,
 *   and a containment test as cheap as the LIKE (0.7 µs instead of 3.3 µs, no de-TOASTing), so
 *   no plan the planner may pick checks them row by row at a ruinous price;
 * - `search_head_bigrams` holds the title's and keywords' bigrams, for relevance (matches there
 *   rank first) when a term is common in abstracts and rare in titles;
 * - the pg_trgm index cannot serve two-character terms and the planner combined it with the
 *   bigram index into lossy bitmaps that forced rechecks: it goes.
 */
export class CatalogueSearch1764000003000 implements MigrationInterface {
  name = 'CatalogueSearch1764000003000';

  async up(q: QueryRunner): Promise<void> {
    // NFKC turns full-width letters, digits and punctuation (ＬＥＤ, ５Ｇ, ，) into their ASCII forms;
    // lower-case; white-space runs become one space, so a folded field never holds a line break.
    await q.query(`
      CREATE FUNCTION catalogue_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN btrim(regexp_replace(lower(normalize(t, NFKC)), '\\s+', ' ', 'g'))`);
    // Title, then each keyword, then the abstract, one per line: a query (folded, so without line
    // breaks) never matches across two fields.
    await q.query(`
      CREATE FUNCTION catalogue_search_text(title text, abstract text, keywords text[]) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN array_to_string(
          ARRAY[catalogue_fold(coalesce(title, ''))]
            || ARRAY(SELECT catalogue_fold(k) FROM unnest(coalesce(keywords, '{}')) AS k WHERE catalogue_fold(k) <> '')
            || ARRAY[catalogue_fold(coalesce(abstract, ''))],
          E'\\n')`);
    // The title and keyword lines of a search_text: everything before its last line (the abstract).
    await q.query(`
      CREATE FUNCTION catalogue_head(search_text text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN left(search_text, length(search_text) - strpos(reverse(search_text), E'\\n'))`);
    // The bigrams of a text as integers: a pair of BMP characters exactly (its two code points),
    // anything else hashed. PL/pgSQL runs this twice as fast as one SQL statement would.
    await q.query(`
      CREATE FUNCTION catalogue_bigrams(t text) RETURNS integer[]
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
          word text;
          pair text;
          codes integer[] := '{}';
        BEGIN
          FOREACH word IN ARRAY regexp_split_to_array(t, '\\s+') LOOP
            FOR i IN 1 .. char_length(word) - 1 LOOP
              pair := substr(word, i, 2);
              IF ascii(pair) < 65536 AND ascii(substr(pair, 2)) < 65536 THEN
                codes := codes || (ascii(pair)::bigint * 65536 + ascii(substr(pair, 2)) - 2147483648)::integer;
              ELSE
                codes := codes || hashtext(pair);
              END IF;
            END LOOP;
          END LOOP;
          RETURN ARRAY(SELECT DISTINCT c FROM unnest(codes) AS c);
        END
        $$`);
    // The LIKE pattern of a query: folded, with \\, % and _ taken literally.
    await q.query(`
      CREATE FUNCTION catalogue_contains_pattern(query text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN '%' || replace(replace(replace(catalogue_fold(query), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`);
    // IPC classes ("C01B 32/184", spaces optional) as the prefixes a filter may ask for: section C,
    // class C01, subclass C01B, main group C01B32/. For the GIN index only: the query also checks
    // the exact prefix with a cheap LIKE.
    await q.query(`
      CREATE FUNCTION catalogue_ipc_prefixes(classes text[]) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
          class text;
          n text;
          prefixes text[] := '{}';
        BEGIN
          FOREACH class IN ARRAY classes LOOP
            n := upper(translate(class, E' \\t\\n\\r', ''));
            prefixes := prefixes || left(n, 1) || left(n, 3) || left(n, 4);
            IF strpos(n, '/') > 5 THEN
              prefixes := prefixes || left(n, strpos(n, '/'));
            END IF;
          END LOOP;
          RETURN ARRAY(SELECT DISTINCT p FROM unnest(prefixes) AS p WHERE p <> '');
        END
        $$`);

    await q.query(`
      CREATE FUNCTION achievements_search_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_text := catalogue_search_text(NEW.title, NEW.abstract, NEW.keywords);
          NEW.search_bigrams := catalogue_bigrams(NEW.search_text);
          NEW.search_head_bigrams := catalogue_bigrams(catalogue_head(NEW.search_text));
          RETURN NEW;
        END
        $$`);
    await q.query(`
      CREATE TRIGGER achievements_search_sync BEFORE INSERT OR UPDATE OF title, abstract, keywords ON achievements
        FOR EACH ROW EXECUTE FUNCTION achievements_search_sync()`);
    await q.query(`DROP INDEX achievements_search_bigrams_idx, achievements_search_trgm_idx`);
    await q.query(`
      ALTER TABLE achievements
        ALTER COLUMN search_bigrams DROP DEFAULT,
        ALTER COLUMN search_bigrams TYPE integer[] USING '{}',
        ALTER COLUMN search_bigrams SET DEFAULT '{}',
        ADD COLUMN search_head_bigrams integer[] NOT NULL DEFAULT '{}'`);
    await q.query(`UPDATE achievements SET title = title`); // the trigger fills the three columns

    // Only registered achievements are in the catalogue.
    await q.query(`CREATE INDEX achievements_search_bigrams_idx ON achievements USING gin (search_bigrams) WHERE registration_status = 'registered'`);
    await q.query(`
      CREATE INDEX achievements_search_head_bigrams_idx ON achievements USING gin (search_head_bigrams)
        WHERE registration_status = 'registered'`);
    // Each sort has an index that yields its order, so a page of a large result stops early.
    await q.query(`
      CREATE INDEX achievements_catalogue_newest_idx ON achievements (created_at DESC, id DESC)
        WHERE registration_status = 'registered'`);
    await q.query(`
      CREATE INDEX achievements_catalogue_price_asc_idx ON achievements (asking_price_fen ASC NULLS LAST, id ASC)
        WHERE registration_status = 'registered'`);
    await q.query(`
      CREATE INDEX achievements_catalogue_price_desc_idx ON achievements (asking_price_fen DESC NULLS LAST, id DESC)
        WHERE registration_status = 'registered'`);
    await q.query(`CREATE INDEX achievements_ipc_prefixes_idx ON achievements USING gin (catalogue_ipc_prefixes(ipc_classes))`);
    // A search is a few milliseconds of work: starting parallel workers costs more than it saves.
    await q.query(`ALTER TABLE achievements SET (parallel_workers = 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE achievements RESET (parallel_workers)`);
    await q.query(`
      DROP INDEX achievements_ipc_prefixes_idx, achievements_catalogue_price_desc_idx, achievements_catalogue_price_asc_idx,
        achievements_catalogue_newest_idx, achievements_search_head_bigrams_idx, achievements_search_bigrams_idx`);
    await q.query(`DROP TRIGGER achievements_search_sync ON achievements`);
    await q.query(`DROP FUNCTION achievements_search_sync()`);
    for (const fn of [
      'catalogue_ipc_prefixes(text[])',
      'catalogue_contains_pattern(text)',
      'catalogue_bigrams(text)',
      'catalogue_head(text)',
      'catalogue_search_text(text, text, text[])',
      'catalogue_fold(text)',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    // As 1764000002000 left them: nothing maintained the search columns.
    await q.query(`
      ALTER TABLE achievements
        DROP COLUMN search_head_bigrams,
        ALTER COLUMN search_bigrams DROP DEFAULT,
        ALTER COLUMN search_bigrams TYPE text[] USING '{}',
        ALTER COLUMN search_bigrams SET DEFAULT '{}'`);
    await q.query(`UPDATE achievements SET search_text = ''`);
    await q.query(`CREATE INDEX achievements_search_bigrams_idx ON achievements USING gin (search_bigrams)`);
    await q.query(`CREATE INDEX achievements_search_trgm_idx ON achievements USING gin (search_text gin_trgm_ops)`);
  }
}

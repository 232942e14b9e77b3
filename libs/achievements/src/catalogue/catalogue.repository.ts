import { regionLevel } from '@zjp/core';
import { queries } from '@zjp/database';
import type { DataSource } from 'typeorm';
import { RULE_STATES } from '../achievements/achievement.entity';
import { CATALOGUE_MAX_OFFSET, type CatalogueQuery, type CatalogueSort } from './catalogue.query';
import type { CatalogueOptions } from './catalogue.service';

// The catalogue's statement is built per query (filters, sorts, windows), so it is not a reviewed
// `queries()` constant; it names the registry's own tables and the market's listing_directory view.
const SQL = queries(__filename, {
  // The server's defaults price a random page read at four sequential ones and compile
  // expensive plans with JIT; the catalogue is in memory and answers in milliseconds.
  tune: `SELECT set_config('random_page_cost', '1.1', true), set_config('jit', 'off', true)`,
});
export interface CatalogueSql {
  text: string;
  params: unknown[];
}

export interface CatalogueRow {
  total: number;
  id: string | null;
  title: string;
  abstract: string;
  technical_field: string;
  kind: string;
  keywords: string[];
  ipc_classes: string[];
  holder_id: string;
  holder_name: string;
  holder_region_code: string;
  ip_types: string[];
  earliest_granted_on: string | null;
  rule_state: string;
  asking_price_fen: string | null;
  listing_id: string | null;
  listing_forced: boolean | null;
  listing_price_fen: string | null;
  listing_price_deadline: string | null;
  listing_status: 'active' | 'suspended' | null;
  listing_lot_id: string | null;
}

/** Positional parameters: every value from the request becomes `$n`, never SQL text. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * An IPC prefix, without spaces and upper-cased ("C01B 32/" → "C01B32/"), and the key that the
 * GIN index on catalogue_ipc_prefixes() holds for it: the section, class, subclass or main group
 * that the prefix starts with (the exact prefix check does the rest).
 */
export function ipcLookup(ipc: string): { key: string; prefix: string } {
  const prefix = ipc.replace(/\s/g, '').toUpperCase();
  const mainGroup = /^[A-H]\d{2}[A-Z]\d{1,4}\//.exec(prefix)?.[0];
  const key = mainGroup ?? (prefix.length >= 4 ? prefix.slice(0, 4) : prefix.length >= 3 ? prefix.slice(0, 3) : prefix.slice(0, 1));
  return { key, prefix };
}

/** Whether the folded query has a word of two characters or more, i.e. at least one bigram. */
function hasBigram(q: string): boolean {
  return q
    .normalize('NFKC')
    .split(/\s+/)
    .some((w) => [...w].length >= 2);
}

/** The length in characters of the folded query (as catalogue_fold folds it, near enough). */
function foldedLength(q: string): number {
  return [...q.normalize('NFKC').toLowerCase().trim()].length;
}

/**
 * The terms of a query: words separated by white space (full-width spaces included), and phrases
 * in double quotes ("…" or “…”) kept whole with their spaces. Empty terms are dropped.
 */
export function searchTerms(q: string): string[] {
  const terms: string[] = [];
  const re = /["“”]([^"“”]*)["“”]?|(\S+)/gu;
  for (const m of q.normalize('NFKC').matchAll(re)) {
    const term = (m[1] ?? m[2] ?? '').trim();
    if (term !== '') terms.push(term);
  }
  return terms;
}

/**
 * One term as conditions: the exact substring (LIKE on search_text, listed first so that it runs
 * first wherever a plan checks rows one by one) and the containment of its bigrams in
 * search_bigrams (or, for a one-character term, of its character in catalogue_unigrams), which
 * the GIN index serves. A two-character term is one bigram and a one-character term one
 * character, so their count needs no LIKE.
 */
function termConditions(term: string, p: Params): { exact: string; indexed: string[]; counted: string[]; headExact: string; headIndexed: string[] } {
  const qp = p.add(term);
  const pattern = `catalogue_contains_pattern(${qp})`;
  const exact = `a.search_text LIKE ${pattern}`;
  const headExact = `catalogue_head(a.search_text) LIKE ${pattern}`;
  if (hasBigram(term)) {
    const bigrams = `catalogue_bigrams(catalogue_fold(${qp}))`;
    const indexed = [`a.search_bigrams @> ${bigrams}`];
    return {
      exact,
      indexed,
      counted: foldedLength(term) === 2 ? indexed : [exact, ...indexed],
      headExact,
      headIndexed: [`a.search_head_bigrams @> ${bigrams}`],
    };
  }
  // No two characters in a row: the index holds each character of the text, and of its title and keyword lines.
  const characters = `catalogue_unigrams(catalogue_fold(${qp}))`;
  const indexed = [`catalogue_unigrams(a.search_text) @> ${characters}`];
  return {
    exact,
    indexed,
    counted: foldedLength(term) === 1 ? indexed : [exact, ...indexed],
    headExact,
    headIndexed: [`catalogue_unigrams(catalogue_head(a.search_text)) @> ${characters}`],
  };
}

/** The rule states of the 先用后转 list: P-2Y puts an achievement on it, P-3Y (free licence) keeps it there. */
const USE_FIRST_STATES = ['use_first', 'free_license_eligible'];

/** rule_state among `states`, or with `among` false among the other states: a list either way. */
function ruleStateIn(states: readonly string[], among: boolean): string {
  return `a.rule_state IN (${RULE_STATES.filter((s) => states.includes(s) === among)
    .map((s) => `'${s}'`)
    .join(', ')})`;
}

type Order = Exclude<CatalogueSort, 'relevance'>;
const ORDER: Record<Order, (a: string) => string> = {
  newest: (a) => `${a}.created_at DESC, ${a}.id DESC`,
  price_asc: (a) => `${a}.asking_price_fen ASC NULLS LAST, ${a}.id ASC`,
  price_desc: (a) => `${a}.asking_price_fen DESC NULLS LAST, ${a}.id DESC`,
};

/** How many rows, in the sort order, a page of a text search looks at before asking the index. */
export function walkWindow(firstRows: number): number {
  return Math.min(20_000, Math.max(1_000, 10 * firstRows));
}

const ITEM_COLUMNS = `a.id, a.title, left(a.abstract, 200) AS abstract, a.technical_field, a.kind, a.keywords, a.ipc_classes,
        a.holder_id, a.rule_state, a.asking_price_fen, a.created_at`;

/**
 * The first `firstRows` matches of a search in one sort order, planned two ways in one
 * statement. The walk reads the newest (or cheapest…) `window` rows through the sort's index and
 * checks them with the exact conditions: a common term fills the page within a few dozen rows.
 * Only when the walk comes back short — a rarer term — does the search branch run: the GIN
 * index finds every match, which for such a term are few, and sorts them. Either branch alone
 * gives the right rows; which one runs no longer depends on the planner's guess of frequency.
 */
function firstMatches(name: string, exact: string[], indexed: string[], order: Order, firstRows: string, window: string, extra = ''): string {
  const where = (conditions: string[]) => [`a.registration_status = 'registered'`, ...conditions].join('\n          AND ');
  return `${name}_walk AS MATERIALIZED (
        SELECT ${ITEM_COLUMNS}${extra} FROM (
          SELECT * FROM achievements a WHERE a.registration_status = 'registered' ORDER BY ${ORDER[order]('a')} LIMIT ${window}
        ) AS a
        WHERE ${where(exact)}
        ORDER BY ${ORDER[order]('a')} LIMIT ${firstRows}
      ),
      ${name} AS (
        SELECT * FROM ${name}_walk WHERE (SELECT count(*) FROM ${name}_walk) >= ${firstRows}
        UNION ALL
        SELECT * FROM (
          SELECT ${ITEM_COLUMNS}${extra} FROM achievements a
          WHERE ${where([...exact, ...indexed])}
          ORDER BY ${ORDER[order]('a')} LIMIT ${firstRows}
        ) AS searched
        WHERE (SELECT count(*) FROM ${name}_walk) < ${firstRows}
      )`;
}

/**
 * The one statement of a search: a count that stops at cap + 1 matches, and the page, joined so
 * that the total comes back even past the last page.
 *
 * A query is one or more terms (searchTerms), all of which must match; each term is an exact
 * substring condition and its index conditions (termConditions). Relevance puts first the rows
 * with every term in the title or a keyword. The walk of a page leaves the index conditions out
 * altogether.
 */
export function catalogueSql(query: CatalogueQuery, options: CatalogueOptions = {}): CatalogueSql {
  const totalCap = options.totalCap ?? CATALOGUE_MAX_OFFSET; // CATALOGUE_TOTAL_CAP
  const p = new Params();
  const filters: string[] = [];
  const q = query.q?.trim() ? query.q : undefined;
  let text: { exact: string; indexed: string[]; counted: string[]; headExact: string; headIndexed: string[] } | undefined;

  if (q !== undefined) {
    // Words separated by white space must all match (AND), each anywhere; a quoted phrase is one term.
    const terms = searchTerms(q).map((t) => termConditions(t, p));
    const all = (parts: string[]) => (parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`);
    text = {
      exact: all(terms.map((t) => t.exact)),
      indexed: terms.flatMap((t) => t.indexed),
      counted: terms.flatMap((t) => t.counted),
      headExact: all(terms.map((t) => t.headExact)),
      headIndexed: terms.flatMap((t) => t.headIndexed),
    };
  }
  // Each filter is an exact condition, cheap to check on a row: the walk of a page checks these.
  // The catalogue's GIN index serves some as they are (technical_field, rule_state); others add a
  // condition on an expression of the index (`indexed`), for the search branch and the count.
  // Where that condition is exact on its own, the count asks it alone: the rows are still read
  // (a bitmap scan visits each match), but not checked again.
  const indexedFilters: string[] = [];
  const countedFilters: string[] = [];
  const filter = (exact: string, indexed?: string, indexedIsExact = false) => {
    filters.push(exact);
    if (indexed === undefined) {
      countedFilters.push(exact);
    } else {
      indexedFilters.push(indexed);
      countedFilters.push(...(indexedIsExact ? [indexed] : [exact, indexed]));
    }
  };
  if (query.field) filter(`a.technical_field = ${p.add(query.field)}`);
  if (query.ipc) {
    const { key, prefix } = ipcLookup(query.ipc);
    filter(
      `',' || upper(translate(array_to_string(a.ipc_classes, ','), E' \\t\\n\\r', '')) LIKE ${p.add(`%,${prefix}%`)}`,
      `catalogue_ipc_prefixes(a.ipc_classes) @> ARRAY[${p.add(key)}::text]`,
      // A whole section, class, subclass or main group is a key of the index; a finer prefix is not.
      key === prefix,
    );
  }
  if (query.holderId) filter(`a.holder_id = ${p.add(query.holderId)}::uuid`);
  if (query.region) {
    // GLOSSARY "Regions": a city covers the codes sharing its first four digits, a province two.
    // The holders are looked up once; the holder index then serves the list.
    const digits = { province: 2, city: 4, county: 6 }[regionLevel(query.region)];
    const prefix = query.region.slice(0, digits);
    filter(
      `a.holder_id = ANY (ARRAY(SELECT o.id FROM organization_directory o WHERE o.region_code BETWEEN ${p.add(prefix.padEnd(6, '0'))} AND ${p.add(prefix.padEnd(6, '9'))}))`,
    );
  }
  if (query.ipType) {
    // ip_type_mask: a bit for each type of the achievement's valid IP rights, kept by triggers on
    // ip_rights; the index holds the names of its bits.
    const type = p.add(query.ipType);
    filter(`a.ip_type_mask & catalogue_ip_type_bit(${type}) <> 0`, `catalogue_ip_types(a.ip_type_mask) @> ARRAY[${type}::text]`, true);
  }
  if (query.status) filter(`a.rule_state = ${p.add(query.status)}`);
  // P-2Y puts an achievement on the 先用后转 list; P-3Y (free licence) keeps it there. Either way
  // the condition is a list of states (never NOT IN, which the index cannot serve).
  if (query.useFirst !== undefined) filter(ruleStateIn(USE_FIRST_STATES, query.useFirst));
  if (query.freeLicenseEligible !== undefined) filter(ruleStateIn(['free_license_eligible'], query.freeLicenseEligible));
  if (query.minPriceFen !== undefined) filter(`a.asking_price_fen >= ${p.add(query.minPriceFen)}::bigint`);
  if (query.maxPriceFen !== undefined) filter(`a.asking_price_fen <= ${p.add(query.maxPriceFen)}::bigint`);

  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  const sort = query.sort ?? (text ? 'relevance' : 'newest');
  const order: Order = sort === 'relevance' ? 'newest' : sort;
  const matching = [`a.registration_status = 'registered'`, ...(text ? text.counted : []), ...countedFilters];

  const firstRows = p.add(limit + offset);
  const window = p.add(options.walkRows ?? walkWindow(limit + offset));
  let page: string;
  let outerOrder: string;
  if (sort === 'relevance' && text) {
    // Matches in the title or a keyword first, then those only in the abstract; newest first
    // within each. When the title and keyword matches fill the page, the abstract's are not looked
    // for at all.
    page = `
      WITH ${firstMatches('head_matches', [text.headExact, ...filters], [...text.headIndexed, ...indexedFilters], 'newest', firstRows, window, ', 0 AS tier')},
      ${firstMatches('abstract_matches', [text.exact, `NOT ${text.headExact}`, ...filters], [...text.indexed, ...indexedFilters], 'newest', firstRows, window, ', 1 AS tier')}
      SELECT * FROM head_matches
      UNION ALL
      SELECT * FROM abstract_matches WHERE (SELECT count(*) FROM head_matches) < ${firstRows}
      ORDER BY tier, created_at DESC, id DESC
      LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`;
    outerOrder = `p.tier, ${ORDER.newest('p')}`;
  } else {
    const exact = [...(text ? [text.exact] : []), ...filters];
    const indexed = [...(text ? text.indexed : []), ...indexedFilters];
    page = `
      WITH ${firstMatches('matches', exact, indexed, order, firstRows, window)}
      SELECT * FROM matches
      ORDER BY ${ORDER[order]('matches')}
      LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`;
    outerOrder = ORDER[order]('p');
  }

  const sql = `
    SELECT c.total, p.id, p.title, p.abstract, p.technical_field, p.kind, p.keywords, p.ipc_classes,
      p.holder_id, h.name AS holder_name, h.region_code::text AS holder_region_code,
      coalesce(ip.types, '{}') AS ip_types, ip.earliest_granted_on, p.rule_state, p.asking_price_fen::text AS asking_price_fen,
      l.id AS listing_id, l.forced AS listing_forced, l.price_fen::text AS listing_price_fen,
      l.price_deadline::text AS listing_price_deadline, l.status AS listing_status, l.lot_id AS listing_lot_id
    FROM (
      SELECT count(*)::int AS total FROM (
        SELECT 1 FROM achievements a
        WHERE ${matching.join('\n          AND ')}
        LIMIT ${p.add(totalCap + 1)}
      ) AS m
    ) AS c
    LEFT JOIN LATERAL (${page}
    ) AS p ON true
    LEFT JOIN organization_directory h ON h.id = p.holder_id
    LEFT JOIN LATERAL (
      SELECT array_agg(DISTINCT r.type ORDER BY r.type) AS types, min(r.granted_on)::text AS earliest_granted_on
      FROM ip_rights r WHERE r.achievement_id = p.id AND r.status = 'valid'
    ) AS ip ON true
    LEFT JOIN LATERAL (
      SELECT l.id, l.forced, l.price_fen, l.price_deadline, l.status, l.lot_id
      FROM listing_directory l WHERE l.achievement_id = p.id AND l.status IN ('active', 'suspended')
      ORDER BY l.status = 'active' DESC, l.created_at DESC, l.id DESC
      LIMIT 1
    ) AS l ON true
    ORDER BY ${outerOrder}`;
  return { text: sql, params: p.values };
}

/** One page of the catalogue (and its capped total) in a read transaction tuned for it. */
export async function searchCatalogue(db: DataSource, query: CatalogueQuery, options: CatalogueOptions): Promise<CatalogueRow[]> {
  const { text, params } = catalogueSql(query, options);
  return db.transaction(async (m) => {
    await m.query(SQL.tune);
    return (await m.query(text, params)) as CatalogueRow[];
  });
}

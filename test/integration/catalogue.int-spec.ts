import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogueService } from '../../libs/achievements/src/catalogue/catalogue.service';
import type { CatalogueQuery } from '../../libs/achievements/src/catalogue/catalogue.query';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule } from '../../libs/platform/src';
import { testConfig } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import type { INestApplicationContext } from '@nestjs/common';

interface AchievementRow {
  holder?: string;
  title: string;
  abstract?: string;
  keywords?: string[];
  field?: 'internet_plus' | 'life_health' | 'new_materials' | 'other';
  ipc?: string[];
  price?: string | null;
  status?: 'draft' | 'registered' | 'withdrawn';
  rule?: 'clear' | 'use_first' | 'free_license_eligible' | 'suspended';
  /** Minutes after a fixed origin: larger is newer. */
  at?: number;
}

describe('CatalogueService (PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let catalogue: CatalogueService;
  // The same searches with a walk of two rows, so that pages come from the bigram index branch.
  let viaIndex: CatalogueService;
  const holders: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let clock = 0;

  async function holder(key: string, region: string): Promise<void> {
    const [row] = (await ds.query(`INSERT INTO organizations (type, name, region_code, holder_category) VALUES ('holder', $1, $2, 'university') RETURNING id`, [
      `测试持有单位${key}`,
      region,
    ])) as { id: string }[];
    holders[key] = row.id;
  }

  async function achievement(key: string, a: AchievementRow): Promise<string> {
    const status = a.status ?? 'registered';
    const [row] = (await ds.query(
      `INSERT INTO achievements (holder_id, title, abstract, technical_field, kind, obtained_on, keywords, asking_price_fen, ipc_classes,
         registration_status, registered_on, rule_state, created_at)
       VALUES ($1, $2, $3, $4, 'applied', '2024-01-10', $5, $6, $7, $8, CASE WHEN $8 = 'draft' THEN NULL ELSE DATE '2024-01-20' END, $9,
         TIMESTAMPTZ '2025-01-01 00:00:00+08' + make_interval(mins => $10))
       RETURNING id`,
      [
        holders[a.holder ?? 'hz'],
        a.title,
        a.abstract ?? '',
        a.field ?? 'new_materials',
        a.keywords ?? [],
        a.price === undefined ? null : a.price,
        a.ipc ?? [],
        status,
        a.rule ?? 'clear',
        a.at ?? ++clock,
      ],
    )) as { id: string }[];
    ids[key] = row.id;
    return row.id;
  }

  const search = (query: CatalogueQuery, service = catalogue) => service.search({ limit: 100, ...query });
  const found = async (query: CatalogueQuery, service = catalogue) => (await search(query, service)).items.map((i) => i.id);
  const keysOf = (list: string[]) => list.map((id) => Object.keys(ids).find((k) => ids[k] === id) ?? id);

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    const module = await Test.createTestingModule({
      imports: [PlatformConfigModule.forRoot(config), DatabaseModule.forRoot(config), TypeOrmModule.forFeature([])],
      providers: [CatalogueService],
    }).compile();
    app = await module.init();
    catalogue = app.get(CatalogueService);
    ds = app.get(DataSource);
    viaIndex = new CatalogueService(ds, { walkRows: 2 });

    await holder('hz', '330106'); // 杭州市西湖区
    await holder('keqiao', '330603'); // 绍兴市柯桥区
    await holder('yuecheng', '330602'); // 绍兴市越城区
    await holder('nanjing', '320106'); // 江苏省南京市鼓楼区

    await achievement('graphene', {
      title: '一种石墨烯复合材料的制备方法',
      abstract: '本发明公开了一种导热复合材料。',
      keywords: ['导热', '复合材料'],
      ipc: ['C01B 32/184'],
      price: '150000000',
      holder: 'keqiao',
    });
    await achievement('chip', { title: '高性能存储芯片封装结构', field: 'internet_plus', ipc: ['H01L 21/02'], price: '80000000', holder: 'yuecheng' });
    await achievement('ai', {
      title: '一种图像处理方法',
      abstract: '基于人工智能的缺陷检测，适用于纺织品。',
      field: 'internet_plus',
      ipc: ['G06N 3/08'],
      price: null,
      holder: 'nanjing',
    });
    // 石墨 ends the title and 烯 starts a keyword: no field may lend a match to another.
    await achievement('split', { title: '天然鳞片石墨', keywords: ['烯类单体'], ipc: ['C01B32/05'], price: '200000000' });
    await achievement('percent', { title: '纯度99%的高纯氧化铝粉体', keywords: ['snake_case'], ipc: ['C01F 7/02'], price: '100000000', rule: 'use_first' });
    await achievement('led', { title: '一种LED驱动电源', abstract: '适用于大功率照明。', field: 'other', ipc: ['H05B 45/00'], rule: 'free_license_eligible' });
    await achievement('battery', {
      title: '锂离子电池正极材料',
      keywords: ['石墨烯'],
      field: 'other',
      ipc: ['H01M 10/0525'],
      price: '150000000',
      rule: 'suspended',
    });
    await achievement('draft', { title: '石墨烯芯片的草稿', status: 'draft' });
    await achievement('withdrawn', { title: '已撤回的石墨烯芯片', status: 'withdrawn' });

    await ds.query(
      `INSERT INTO ip_rights (achievement_id, type, number, granted_on, status) VALUES
         ($1, 'invention_patent', 'ZL202010000001.1', '2021-03-01', 'valid'),
         ($1, 'utility_model', 'ZL202020000002.2', '2020-11-05', 'valid'),
         ($2, 'software_copyright', '2022SR0000003', '2022-06-01', 'valid'),
         ($3, 'invention_patent', 'ZL201910000004.4', '2020-01-01', 'lapsed')`,
      [ids.graphene, ids.ai, ids.chip],
    );
    await ds.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status) VALUES
         ($1, $2, 'fixed_price', true, 'P-2Y', 100000000, NULL, 'active'),
         ($3, $4, 'fixed_price', false, NULL, 90000000, NULL, 'closed')`,
      [ids.percent, holders.hz, ids.chip, holders.yuecheng],
    );
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  // Pages of one row: each page's first rows are found by the walk of the sort order.
  const foundByWalk = async (query: CatalogueQuery) => {
    const hits: string[] = [];
    for (let offset = 0; ; offset++) {
      const { items } = await catalogue.search({ ...query, limit: 1, offset });
      if (items.length === 0) return hits;
      hits.push(items[0].id);
    }
  };

  describe.each([
    ['walking the sort order', () => foundByWalk],
    ['asking the bigram index', () => (query: CatalogueQuery) => found(query, viaIndex)],
  ])('text search, %s', (_name, finder) => {
    it('finds 石墨烯 inside 一种石墨烯复合材料的制备方法 (three characters)', async () => {
      expect(await finder()({ q: '石墨烯' })).toEqual(expect.arrayContaining([ids.graphene, ids.battery]));
    });

    it('finds a two-character term (芯片) inside a longer title', async () => {
      expect(keysOf(await finder()({ q: '芯片' }))).toEqual(['chip']);
    });

    it('finds a four-character term (人工智能) in an abstract', async () => {
      expect(keysOf(await finder()({ q: '人工智能' }))).toEqual(['ai']);
    });

    it('does not match a term split across the title and a keyword', async () => {
      const hits = await finder()({ q: '石墨烯' });
      expect(hits).not.toContain(ids.split);
      expect(await finder()({ q: '石墨' })).toContain(ids.split);
    });

    it('takes % and _ in the query literally', async () => {
      expect(keysOf(await finder()({ q: '%' }))).toEqual(['percent']);
      expect(keysOf(await finder()({ q: '99%的' }))).toEqual(['percent']);
      expect(keysOf(await finder()({ q: '_' }))).toEqual(['percent']);
      expect(await finder()({ q: '9_%' })).toEqual([]);
      expect(await finder()({ q: '纯度9%' })).toEqual([]);
    });

    it('ignores case and full width (ＬＥＤ finds LED)', async () => {
      expect(keysOf(await finder()({ q: 'ＬＥＤ' }))).toEqual(['led']);
      expect(keysOf(await finder()({ q: 'led驱动' }))).toEqual(['led']);
    });

    it('serves a one-character query (锂) through the index of characters', async () => {
      expect(keysOf(await finder()({ q: '锂' }))).toEqual(['battery']);
    });

    it('finds one character in an abstract, folds it (Ｌ finds LED) and takes a character beyond the BMP', async () => {
      expect(keysOf(await finder()({ q: '纺' }))).toEqual(['ai']);
      expect(keysOf(await finder()({ q: 'Ｌ' }))).toEqual(['led']);
      const id = await achievement('astral', { title: '𠮷字成果', abstract: '𩸽' });
      try {
        expect(await finder()({ q: '𠮷' })).toEqual([id]);
        expect(await finder()({ q: '𩸽' })).toEqual([id]);
        expect(await finder()({ q: '𠀋' })).toEqual([]);
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [id]);
        delete ids.astral;
      }
    });

    it('ranks a one-character match in the title or a keyword before one only in the abstract', async () => {
      await achievement('abstractLi', { title: '一种正极', abstract: '含锂的化合物。', at: 10_000 });
      try {
        expect(keysOf(await finder()({ q: '锂', sort: 'relevance' }))).toEqual(['battery', 'abstractLi']);
        expect(keysOf(await finder()({ q: '锂', sort: 'newest' }))).toEqual(['abstractLi', 'battery']);
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [ids.abstractLi]);
        delete ids.abstractLi;
      }
    });

    it('never shows drafts or withdrawn achievements', async () => {
      const hits = await finder()({ q: '石墨烯' });
      expect(hits).not.toContain(ids.draft);
      expect(hits).not.toContain(ids.withdrawn);
      expect(await finder()({ q: '草稿' })).toEqual([]);
      expect(await finder()({ q: '撤回' })).toEqual([]);
    });

    it('ranks a match in the title or a keyword before one only in the abstract', async () => {
      await achievement('abstractOnly', { title: '一种散热片', abstract: '采用石墨烯涂层。', at: 10_000 });
      try {
        const hits = keysOf(await finder()({ q: '石墨烯', sort: 'relevance' }));
        expect(hits[hits.length - 1]).toBe('abstractOnly');
        expect(new Set(hits.slice(0, -1))).toEqual(new Set(['graphene', 'battery']));
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [ids.abstractOnly]);
        delete ids.abstractOnly;
      }
    });

    it('matches every word of a query with spaces, each anywhere (石墨烯 电池), and keeps a quoted phrase whole', async () => {
      // battery: 电池 in the title, 石墨烯 a keyword; graphene has 石墨烯 but no 电池.
      expect(keysOf(await finder()({ q: '石墨烯 电池' }))).toEqual(['battery']);
      expect(keysOf(await finder()({ q: '电池　石墨烯' }))).toEqual(['battery']); // a full-width space separates words too
      expect(keysOf(await finder()({ q: '  导热   复合材料 ' }))).toEqual(['graphene']);
      expect(await finder()({ q: '石墨烯 不存在的词' })).toEqual([]);
      expect(await finder()({ q: '"石墨烯 电池"' })).toEqual([]); // the phrase with its space is in no text
      expect(keysOf(await finder()({ q: '"锂离子电池" 石墨烯' }))).toEqual(['battery']);
    });

    it('ranks rows with every word in the title or a keyword before those with a word only in the abstract', async () => {
      await achievement('mixed', { title: '一种电池外壳', abstract: '外壳内衬石墨烯导热层。', at: 10_001 });
      try {
        const hits = keysOf(await finder()({ q: '石墨烯 电池', sort: 'relevance' }));
        expect(hits).toEqual(['battery', 'mixed']);
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [ids.mixed]);
        delete ids.mixed;
      }
    });
  });

  describe('filters', () => {
    it.each<[string, CatalogueQuery, string[]]>([
      ['technical field', { field: 'internet_plus' }, ['chip', 'ai']],
      ['IPC subclass C01B (with or without the space)', { ipc: 'C01B' }, ['graphene', 'split']],
      ['IPC main group C01B 32/', { ipc: 'C01B 32/' }, ['graphene', 'split']],
      ['IPC finer prefix C01B 32/1', { ipc: 'C01B 32/1' }, ['graphene']],
      ['IPC class C01', { ipc: 'c01' }, ['graphene', 'split', 'percent']],
      ['holder', { holderId: 'keqiao' }, ['graphene']],
      ['province 330000 covers its counties, not Jiangsu', { region: '330000' }, ['graphene', 'chip', 'split', 'percent', 'led', 'battery']],
      ['city 330600 covers Keqiao and Yuecheng', { region: '330600' }, ['graphene', 'chip']],
      ['county 330603 is Keqiao only', { region: '330603' }, ['graphene']],
      ['IP type (valid rights only)', { ipType: 'invention_patent' }, ['graphene']],
      ['IP type software copyright', { ipType: 'software_copyright' }, ['ai']],
      ['rule state', { status: 'suspended' }, ['battery']],
      ['price range, both bounds inclusive', { minPriceFen: '100000000', maxPriceFen: '150000000' }, ['graphene', 'percent', 'battery']],
      ['minimum price only', { minPriceFen: '150000001' }, ['split']],
      ['on the use-first list (P-2Y, with P-3Y)', { useFirst: true }, ['percent', 'led']],
      ['not on the use-first list', { useFirst: false }, ['graphene', 'chip', 'ai', 'split', 'battery']],
      ['free-licence eligible (P-3Y)', { freeLicenseEligible: true }, ['led']],
      ['not free-licence eligible', { freeLicenseEligible: false }, ['graphene', 'chip', 'ai', 'split', 'percent', 'battery']],
      ['status and the use-first list together', { status: 'use_first', useFirst: true }, ['percent']],
      ['a term and a filter together', { q: '石墨', ipc: 'C01B 32/' }, ['graphene', 'split']],
      ['a term and a finer IPC prefix', { q: '石墨', ipc: 'C01B 32/0' }, ['split']],
      ['a two-character term and an IP type', { q: '石墨', ipType: 'invention_patent' }, ['graphene']],
      ['a three-character term and a field', { q: '石墨烯', field: 'other' }, ['battery']],
      ['one character and a field', { q: '锂', field: 'other' }, ['battery']],
      ['one character and another field', { q: '锂', field: 'new_materials' }, []],
      ['one character and an IP type', { q: '导', ipType: 'utility_model' }, ['graphene']],
    ])('%s', async (_name, query, expected) => {
      const q = { ...query, ...(query.holderId ? { holderId: holders[query.holderId] } : {}) };
      expect(new Set(keysOf(await found(q)))).toEqual(new Set(expected));
      expect(new Set(keysOf(await found(q, viaIndex)))).toEqual(new Set(expected));
      expect((await search(q)).total).toBe(expected.length);
    });
  });

  describe('sorting and pages', () => {
    it('puts achievements without a price last, cheapest or dearest first', async () => {
      for (const service of [catalogue, viaIndex]) {
        const asc = (await search({ sort: 'price_asc' }, service)).items.map((i) => i.askingPriceFen);
        expect(asc).toEqual(['80000000', '100000000', '150000000', '150000000', '200000000', null, null]);
        const desc = (await search({ sort: 'price_desc' }, service)).items.map((i) => i.askingPriceFen);
        expect(desc).toEqual(['200000000', '150000000', '150000000', '100000000', '80000000', null, null]);
      }
    });

    it('pages through equal sort keys without losing or repeating an achievement', async () => {
      const sameMinute = 20_000;
      const twins = ['twin1', 'twin2', 'twin3', 'twin4', 'twin5'];
      for (const key of twins) await achievement(key, { title: `同一时刻登记的传感器${key}`, at: sameMinute, price: '5000' });
      try {
        for (const [service, sort] of [
          [catalogue, 'newest'],
          [viaIndex, 'newest'],
          [catalogue, 'price_asc'],
          [viaIndex, 'relevance'],
        ] as const) {
          const all = await found({ q: '传感器', sort }, service);
          expect(all).toHaveLength(5);
          const pages: string[] = [];
          for (let offset = 0; offset < 5; offset += 2) {
            const page = await search({ q: '传感器', sort, limit: 2, offset }, service);
            expect(page.total).toBe(5);
            pages.push(...page.items.map((i) => i.id));
          }
          expect(pages).toEqual(all);
        }
        const past = await search({ q: '传感器', offset: 10 });
        expect(past).toEqual({ items: [], total: 5, totalIsExact: true });
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = ANY($1)`, [twins.map((k) => ids[k])]);
        for (const key of twins) delete ids[key];
      }
    });

    it('orders by newest by default without a term', async () => {
      expect(keysOf(await found({}))).toEqual(['battery', 'led', 'percent', 'split', 'ai', 'chip', 'graphene']);
    });
  });

  describe('total', () => {
    it('is exact up to the cap and capped beyond it', async () => {
      const capped = new CatalogueService(ds, { totalCap: 3 });
      expect(await capped.search({ limit: 2 })).toEqual(expect.objectContaining({ total: 3, totalIsExact: false }));
      expect((await capped.search({ limit: 2 })).items).toHaveLength(2);
      expect(await capped.search({ q: '石墨' })).toEqual(expect.objectContaining({ total: 3, totalIsExact: true }));
      expect(await capped.search({ q: '芯片' })).toEqual(expect.objectContaining({ total: 1, totalIsExact: true }));
      expect(await catalogue.search({})).toEqual(expect.objectContaining({ total: 7, totalIsExact: true }));
    });
  });

  describe('items', () => {
    it('show the holder, valid IP rights, rule state and an active or suspended listing only', async () => {
      const [graphene] = (await search({ q: '石墨烯复合' })).items;
      expect(graphene).toEqual({
        id: ids.graphene,
        title: '一种石墨烯复合材料的制备方法',
        abstract: '本发明公开了一种导热复合材料。',
        technicalField: 'new_materials',
        kind: 'applied',
        keywords: ['导热', '复合材料'],
        ipcClasses: ['C01B 32/184'],
        holder: { id: holders.keqiao, name: '测试持有单位keqiao', regionCode: '330603' },
        ipTypes: ['invention_patent', 'utility_model'],
        earliestGrantedOn: '2020-11-05',
        ruleState: 'clear',
        onUseFirstList: false,
        freeLicenseEligible: false,
        askingPriceFen: '150000000',
        listing: null,
      });
      const [percent] = (await search({ q: '氧化铝' })).items;
      expect(percent).toEqual(expect.objectContaining({ onUseFirstList: true, freeLicenseEligible: false, ipTypes: [], earliestGrantedOn: null }));
      expect(percent.listing).toEqual({ id: expect.any(String), forced: true, priceFen: '100000000', priceDeadline: null, status: 'active', lotId: null });
      const [chip] = (await search({ q: '芯片' })).items;
      expect(chip.listing).toBeNull(); // its only listing is closed
      expect(chip.ipTypes).toEqual([]); // its only right has lapsed
      const [led] = (await search({ q: 'LED' })).items;
      expect(led).toEqual(expect.objectContaining({ onUseFirstList: true, freeLicenseEligible: true, askingPriceFen: null }));
    });

    it('cut the abstract to 200 characters', async () => {
      await achievement('long', { title: '超长摘要的成果', abstract: '长'.repeat(300) });
      try {
        const [item] = (await search({ q: '超长摘要' })).items;
        expect([...item.abstract]).toHaveLength(200);
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [ids.long]);
        delete ids.long;
      }
    });
  });

  describe('search columns', () => {
    it('follow an UPDATE of the title, abstract and keywords (trigger)', async () => {
      const id = await achievement('renamed', { title: '旧标题钙钛矿电池' });
      try {
        expect(await found({ q: '钙钛矿' })).toEqual([id]);
        await ds.query(`UPDATE achievements SET title = '新标题量子点显示' WHERE id = $1`, [id]);
        expect(await found({ q: '钙钛矿' })).toEqual([]);
        expect(await found({ q: '量子点' })).toEqual([id]);
        expect(await found({ q: '量子点', sort: 'relevance' }, viaIndex)).toEqual([id]);
        await ds.query(`UPDATE achievements SET keywords = '{柔性电子}', abstract = '可穿戴设备' WHERE id = $1`, [id]);
        expect(await found({ q: '柔性电子' }, viaIndex)).toEqual([id]);
        expect(await found({ q: '穿戴' }, viaIndex)).toEqual([id]);
        const [row] = (await ds.query(`SELECT search_text, cardinality(search_bigrams) AS n FROM achievements WHERE id = $1`, [id])) as {
          search_text: string;
          n: number;
        }[];
        expect(row.search_text).toBe('新标题量子点显示\n柔性电子\n可穿戴设备');
        expect(row.n).toBe(7 + 3 + 4);
      } finally {
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [id]);
        delete ids.renamed;
      }
    });
  });

  describe('IP-right types (ip_type_mask, kept by triggers on ip_rights)', () => {
    const typed = async (ipType: CatalogueQuery['ipType'], q?: string) => {
      const query = { ipType, ...(q ? { q } : {}) };
      const page = await search(query);
      expect(keysOf(await found(query, viaIndex))).toEqual(keysOf(page.items.map((i) => i.id)));
      return { keys: keysOf(page.items.map((i) => i.id)), total: page.total };
    };
    const maskOf = async (id: string) =>
      (
        (await ds.query(`SELECT ip_type_mask AS mask, catalogue_ip_types(ip_type_mask) AS types FROM achievements WHERE id = $1`, [id])) as {
          mask: number;
          types: string[];
        }[]
      )[0];
    const addRight = async (id: string, type: string, number: string | null, status = 'valid') =>
      (
        (await ds.query(`INSERT INTO ip_rights (achievement_id, type, number, granted_on, status) VALUES ($1, $2, $3, '2023-05-01', $4) RETURNING id`, [
          id,
          type,
          number,
          status,
        ])) as { id: string }[]
      )[0].id;

    it('follow a right added, lapsed, retyped and deleted', async () => {
      const id = await achievement('rights', { title: '带权利的外观设计成果', field: 'other' });
      try {
        expect(await typed('design_patent')).toEqual({ keys: [], total: 0 });
        const first = await addRight(id, 'design_patent', 'ZL202330000001.1');
        expect(await typed('design_patent')).toEqual({ keys: ['rights'], total: 1 });
        expect(await typed('design_patent', '外观')).toEqual({ keys: ['rights'], total: 1 });
        expect((await search({ q: '外观设计' })).items[0].ipTypes).toEqual(['design_patent']);

        // A second right of the same type keeps the type when the first lapses.
        const second = await addRight(id, 'design_patent', 'ZL202330000002.2');
        await ds.query(`UPDATE ip_rights SET status = 'lapsed' WHERE id = $1`, [first]);
        expect(await typed('design_patent')).toEqual({ keys: ['rights'], total: 1 });
        await ds.query(`UPDATE ip_rights SET status = 'invalidated' WHERE id = $1`, [second]);
        expect(await typed('design_patent')).toEqual({ keys: [], total: 0 });
        expect(await typed('design_patent', '外观')).toEqual({ keys: [], total: 0 });
        expect(await maskOf(id)).toEqual({ mask: 0, types: [] });

        // A lapsed right added, then made valid; a right that changes type.
        const secret = await addRight(id, 'technical_secret', null, 'lapsed');
        expect(await typed('technical_secret')).toEqual({ keys: [], total: 0 });
        await ds.query(`UPDATE ip_rights SET status = 'valid' WHERE id = $1`, [secret]);
        expect(await typed('technical_secret')).toEqual({ keys: ['rights'], total: 1 });
        await ds.query(`UPDATE ip_rights SET type = 'plant_variety', number = 'CNA20230001.0' WHERE id = $1`, [secret]);
        expect(await typed('technical_secret')).toEqual({ keys: [], total: 0 });
        expect(await typed('plant_variety', '外观')).toEqual({ keys: ['rights'], total: 1 });
        // A change that touches no type or status leaves the mask alone.
        await ds.query(`UPDATE ip_rights SET granted_on = '2023-06-01' WHERE id = $1`, [secret]);
        expect(await maskOf(id)).toEqual({ mask: 16, types: ['plant_variety'] });

        await ds.query(`DELETE FROM ip_rights WHERE id = $1`, [secret]);
        expect(await typed('plant_variety')).toEqual({ keys: [], total: 0 });
        expect(await maskOf(id)).toEqual({ mask: 0, types: [] });

        // Several rights in one statement; the others' rights are untouched.
        await ds.query(
          `INSERT INTO ip_rights (achievement_id, type, number, status) VALUES
             ($1, 'software_copyright', '2023SR0000011', 'valid'), ($1, 'ic_layout', 'BS.23500001.1', 'valid'), ($1, 'utility_model', 'ZL202320000003.3', 'lapsed')`,
          [id],
        );
        expect(await maskOf(id)).toEqual({ mask: 8 + 32, types: ['software_copyright', 'ic_layout'] });
        expect(await typed('software_copyright')).toEqual({ keys: ['rights', 'ai'], total: 2 });
        expect(await typed('invention_patent')).toEqual({ keys: ['graphene'], total: 1 });
      } finally {
        // The rights go with the achievement (ON DELETE CASCADE), through the delete trigger.
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [id]);
        delete ids.rights;
      }
      expect(await typed('software_copyright')).toEqual({ keys: ['ai'], total: 1 });
    });

    it('keep both of two concurrent transactions adding rights to one achievement', async () => {
      const id = await achievement('concurrent', { title: '并发登记权利的成果' });
      const [one, two] = [ds.createQueryRunner(), ds.createQueryRunner()];
      try {
        await one.startTransaction();
        await two.startTransaction();
        await one.query(`INSERT INTO ip_rights (achievement_id, type, number) VALUES ($1, 'design_patent', 'ZL202330000021.1')`, [id]);
        // The second transaction's trigger waits for the first, then reads what it committed.
        const waiting = two.query(`INSERT INTO ip_rights (achievement_id, type, number) VALUES ($1, 'utility_model', 'ZL202320000022.2')`, [id]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await one.commitTransaction();
        await waiting;
        await two.commitTransaction();
        expect(await maskOf(id)).toEqual({ mask: 2 + 4, types: ['utility_model', 'design_patent'] });
      } finally {
        for (const runner of [one, two]) {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
        await ds.query(`DELETE FROM achievements WHERE id = $1`, [id]);
        delete ids.concurrent;
      }
    });

    it('are cleared by a TRUNCATE of ip_rights', async () => {
      const runner = ds.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(`TRUNCATE ip_rights`);
        expect(await runner.query(`SELECT count(*)::int AS n FROM achievements WHERE ip_type_mask <> 0`)).toEqual([{ n: 0 }]);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await typed('invention_patent')).toEqual({ keys: ['graphene'], total: 1 });
    });
  });

  it('refuses a price range whose maximum is below its minimum', async () => {
    await expect(catalogue.search({ minPriceFen: '200', maxPriceFen: '100' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

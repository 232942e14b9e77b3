import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ContractsModule, ContractsService } from '../../libs/contracts/src';
import { CLOCK, FixedClock } from '../../libs/core/src';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule, RedisModule, WorkerQueuesModule } from '../../libs/platform/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { testConfig } from '../support/config';
import { insertDeal, partiesOf } from '../support/contract-factory';
import { pdfPages } from '../support/pdf-text';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * 合同编号 YYYY-RRRRRR-NNNNNN: assigned once, when the contract is created, from a counter per year
 * (Beijing time) and the seller's region, advanced atomically — many concurrent creations get
 * distinct consecutive numbers, a duplicate draft that loses its race consumes none.
 */
describe('contract numbers', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let contracts: ContractsService;
  const clock = new FixedClock(new Date('2026-03-02T02:00:00Z'));

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    @Module({
      imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), WorkerQueuesModule, RealtimeModule, ContractsModule],
    })
    class TestModule {}
    const module = await Test.createTestingModule({ imports: [TestModule] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = await module.init();
    ds = app.get(DataSource);
    contracts = app.get(ContractsService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const numberOf = async (id: string) =>
    ((await ds.query(`SELECT contract_number FROM contracts WHERE id = $1`, [id])) as { contract_number: string }[])[0].contract_number;

  it('gives 40 concurrent creations (each deal drafted twice at once) 40 distinct consecutive numbers of the seller region and the Beijing year', async () => {
    // the fixtures' holders are all in 西湖区 (330106)
    const deals = await Promise.all(Array.from({ length: 40 }, () => insertDeal(ds, { source: 'fixed_price', dealType: 'license' })));
    const created = await Promise.all(deals.flatMap((d) => [contracts.createFromDeal(d.dealId), contracts.createFromDeal(d.dealId)]));
    const ids = [...new Set(created.map((c) => c!.contractId))];
    expect(ids).toHaveLength(40);
    const numbers = await Promise.all(ids.map(numberOf));
    expect(new Set(numbers).size).toBe(40);
    for (const n of numbers) expect(n).toMatch(/^2026-330106-\d{6}$/);
    const sequence = numbers.map((n) => Number(n.slice(-6))).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await ds.query(`SELECT year, region_code, last_value FROM contract_number_counters`)).toEqual([
      { year: 2026, region_code: '330106', last_value: 40 },
    ]);

    // the number is in the contract's view, the list, the published read model and on every page of the PDF
    const parties = await partiesOf(ds, deals[0]);
    const view = await contracts.get(parties.seller, ids[0]);
    expect(view.contractNumber).toBe(numbers[0]);
    const list = await contracts.list(parties.seller, { limit: 100, offset: 0 });
    expect(list.items.map((c) => c.contractNumber)).toContain(numbers[0]);
    expect(await ds.query(`SELECT contract_number FROM contract_directory WHERE id = $1`, [ids[0]])).toEqual([{ contract_number: numbers[0] }]);
    const { pdf } = await contracts.pdf(parties.buyer, ids[0], 'current');
    const pages = await pdfPages(pdf);
    for (const [i, page] of pages.entries()) {
      expect(page.replace(/\s+/g, '')).toContain(`合同编号：${numbers[0]}`);
      expect(page.replace(/\s+/g, '')).toContain(`第${i + 1}页/共${pages.length}页`);
    }
    expect(pages.join('').replace(/\s+/g, '')).toContain('人民币壹万零陆佰元整'); // the fixture's 1,060,000 fen = 10,600.00 元
  });

  it('numbers by the Beijing year: 2026-12-31 16:30 UTC is 2027 in Beijing, and a new year starts at 000001', async () => {
    clock.set(new Date('2026-12-31T16:30:00Z'));
    const d = await insertDeal(ds, { source: 'fixed_price', dealType: 'license' });
    const { contractId } = (await contracts.createFromDeal(d.dealId))!;
    expect(await numberOf(contractId)).toBe('2027-330106-000001');
  });
});

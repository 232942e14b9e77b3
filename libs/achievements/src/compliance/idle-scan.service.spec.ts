import { LocalDate } from '@zjp/core';
import type { TransactionRunner } from '@zjp/database';
import type { NewNotification, NotificationsService } from '@zjp/identity';
import { applyForcedListingChanges, type RuleStateChanges } from '@zjp/market';
import type { EntityManager } from 'typeorm';
import { applyIdleRule, countExamined, lockScan } from './idle-scan.repository';
import { FORCED_LISTING_PRICE_DAYS, IdleScanService, ruleChangeNotice } from './idle-scan.service';

jest.mock('./idle-scan.repository');
jest.mock('@zjp/market', () => ({ applyForcedListingChanges: jest.fn() }));
const forced = jest.mocked(applyForcedListingChanges);
const none: RuleStateChanges = { achievementIds: [], holderIds: [], toStates: [], dueClauses: [], askingPricesFen: [] };
const apply = jest.mocked(applyIdleRule);
const examined = jest.mocked(countExamined);
const lock = jest.mocked(lockScan);

describe('IdleScanService (repositories replaced)', () => {
  const m = { query: jest.fn() } as unknown as EntityManager;
  const tx = { run: (work: (m: EntityManager) => Promise<unknown>) => work(m) } as unknown as TransactionRunner;
  let notified: NewNotification[][];
  let service: IdleScanService;

  beforeEach(() => {
    jest.resetAllMocks();
    notified = [];
    const notifications = { notifyMany: (_m: unknown, n: NewNotification[]) => Promise.resolve(void notified.push(n)) } as unknown as NotificationsService;
    service = new IdleScanService(tx, notifications);
    examined.mockResolvedValue(7);
  });

  it('locks, applies the rule for the date, notifies each digest in the same transaction, and sums the transitions', async () => {
    apply.mockResolvedValue({
      transitions: [
        { fromState: 'clear', toState: 'use_first', n: 3 },
        { fromState: 'use_first', toState: 'free_license_eligible', n: 1 },
      ],
      changes: { ...none, achievementIds: ['a1'], holderIds: ['h1'], toStates: ['use_first'], dueClauses: ['P-2Y'], askingPricesFen: [null] },
      digests: [
        { holderId: 'h1', toState: 'use_first', count: 3, titles: '甲、乙、丙', achievementIds: ['a1', 'a2', 'a3'] },
        { holderId: 'h2', toState: 'free_license_eligible', count: 1, titles: '丁', achievementIds: ['a4'] },
      ],
    });
    const result = await service.scan(LocalDate.parse('2025-05-11'), 'a1');
    expect(lock).toHaveBeenCalledWith(m);
    expect(apply).toHaveBeenCalledWith(m, '2025-05-11', 'a1');
    expect(lock.mock.invocationCallOrder[0]).toBeLessThan(apply.mock.invocationCallOrder[0]);
    // the market's forced listings follow the changes the scan returned, in the same transaction, after the states changed
    expect(forced).toHaveBeenCalledWith(
      m,
      '2025-05-11',
      FORCED_LISTING_PRICE_DAYS,
      expect.objectContaining({ achievementIds: ['a1'], toStates: ['use_first'] }),
    );
    expect(apply.mock.invocationCallOrder[0]).toBeLessThan(forced.mock.invocationCallOrder[0]);
    expect(notified).toHaveLength(1);
    expect(notified[0].map((n) => [n.organizationId, n.kind, n.title])).toEqual([
      ['h1', 'rule.use_first', '3 项成果已纳入"先用后转"实施清单并在浙江拍挂牌'],
      ['h2', 'rule.free_license_eligible', '1 项成果满3年未转化，企业可申请无偿实施'],
    ]);
    expect(result).toEqual({ scanDate: '2025-05-11', examined: 7, changed: 4, transitions: { 'clear->use_first': 3, 'use_first->free_license_eligible': 1 } });
  });

  it('notifies nobody when nothing changed', async () => {
    apply.mockResolvedValue({ transitions: [], digests: [], changes: none });
    const result = await service.scan(LocalDate.parse('2025-05-11'));
    expect(apply).toHaveBeenCalledWith(m, '2025-05-11', null);
    expect(notified.flat()).toEqual([]);
    expect(result.changed).toBe(0);
  });

  it('words each kind of change for the holder and lists the achievements in the data', () => {
    const date = LocalDate.parse('2026-01-02');
    const notice = (toState: string) => ruleChangeNotice({ holderId: 'h', toState, count: 2, titles: '甲、乙', achievementIds: ['a', 'b'] }, date);
    expect(notice('suspended').title).toBe('2 项成果因正当理由暂不适用强制转化规则');
    expect(notice('clear').title).toBe('2 项成果已不再适用强制转化规则');
    expect(notice('clear')).toMatchObject({
      organizationId: 'h',
      kind: 'rule.clear',
      body: '甲、乙',
      data: { toState: 'clear', scanDate: '2026-01-02', count: 2, achievementIds: ['a', 'b'] },
    });
  });
});

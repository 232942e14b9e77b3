import { LocalDate } from '@zjp/core';
import type { ContractPaymentsService, SignedMovement } from '@zjp/payments';
import type { EntityManager } from 'typeorm';
import { selectContracts, type ContractRow } from './contract-facts.repository';
import { CONTRACT_REFERENCE_TYPE, SqlContractFactsReadModel, type ContractTermsRecord } from './contract-facts.read-model';

jest.mock('./contract-facts.repository');
const contracts = jest.mocked(selectContracts);

const row = (id: string, over: Partial<ContractRow<ContractTermsRecord>> = {}): ContractRow<ContractTermsRecord> => ({
  id,
  type: 'license',
  status: 'in_performance',
  seller_id: 's1',
  buyer_id: 'b1',
  signed_on: '2026-03-02',
  registration_number: 'JS-2026-0001',
  registered_on: '2026-03-20',
  through_platform: true,
  price: '12000000',
  terms: { fees: [{ kind: 'lump_sum', amountFen: '12000000' }] },
  technical_field: 'electronics',
  ...over,
});

describe('SqlContractFactsReadModel (repository and payments service replaced)', () => {
  const m = { query: jest.fn() } as unknown as EntityManager;
  let asked: { referenceType: string; ids: readonly string[] }[];
  let movements: SignedMovement[];
  let model: SqlContractFactsReadModel;

  beforeEach(() => {
    jest.resetAllMocks();
    asked = [];
    movements = [];
    const payments = {
      settledMovements: (_m: unknown, referenceType: string, ids: readonly string[]) => {
        asked.push({ referenceType, ids });
        return Promise.resolve(movements);
      },
    } as unknown as ContractPaymentsService;
    model = new SqlContractFactsReadModel(payments);
  });

  it('reads nothing for no ids', async () => {
    expect((await model.loadMany(m, [])).size).toBe(0);
    expect(contracts).not.toHaveBeenCalled();
    expect(asked).toEqual([]);
  });

  it('asks payments only for the contracts that exist, and none at all when none does', async () => {
    contracts.mockResolvedValue([]);
    expect((await model.loadMany(m, ['gone'])).size).toBe(0);
    expect(asked).toEqual([]);

    contracts.mockResolvedValue([row('c1'), row('c2')]);
    await model.loadMany(m, ['c1', 'gone', 'c2']);
    expect(asked).toEqual([{ referenceType: CONTRACT_REFERENCE_TYPE, ids: ['c1', 'c2'] }]);
  });

  it('maps the rows and gives each contract its movements in the order payments returned them (refunds negative, last)', async () => {
    contracts.mockResolvedValue([
      row('c1'),
      row('c2', { signed_on: null, registration_number: null, registered_on: null, through_platform: false, technical_field: null }),
    ]);
    movements = [
      { referenceId: 'c1', amountFen: 6000000n, on: '2026-04-01' },
      { referenceId: 'c2', amountFen: 100n, on: '2026-04-02' },
      { referenceId: 'c1', amountFen: 6000000n, on: '2026-08-01' },
      { referenceId: 'c1', amountFen: -1200000n, on: '2026-09-01' },
    ];
    const loaded = await model.loadMany(m, ['c1', 'c2']);
    const c1 = loaded.get('c1')!;
    expect(c1).toMatchObject({
      sellerId: 's1',
      buyerId: 'b1',
      registrationNumber: 'JS-2026-0001',
      throughPlatform: true,
      priceFen: 12000000n,
      technicalField: 'electronics',
    });
    expect(c1.signedOn?.equals(LocalDate.parse('2026-03-02'))).toBe(true);
    expect(c1.registeredOn?.toString()).toBe('2026-03-20');
    expect(c1.payments.map((p) => [p.amountFen, p.paidOn.toString()])).toEqual([
      [6000000n, '2026-04-01'],
      [6000000n, '2026-08-01'],
      [-1200000n, '2026-09-01'],
    ]);
    const c2 = loaded.get('c2')!;
    expect([c2.signedOn, c2.registeredOn, c2.registrationNumber, c2.throughPlatform]).toEqual([null, null, null, false]);
    expect(c2.payments.map((p) => p.amountFen)).toEqual([100n]);
  });
});

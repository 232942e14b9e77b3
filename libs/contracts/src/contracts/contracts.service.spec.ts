import type { NotificationsService } from '@zjp/identity';
import { ConflictError, LocalDate, type Clock } from '@zjp/core';
import type { DomainEventHandlers, TransactionRunner } from '@zjp/database';
import type { AchievementsService, FreeLicensesService, TransformationsService } from '@zjp/achievements';
import type { DealsService, ListingFlowsService } from '@zjp/market';
import type { ContractPaymentsService, DepositsService } from '@zjp/payments';
import type { Principal } from '@zjp/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { draftFreeLicense, draftFromDeal } from '../domain';
import type { ContractRow } from './contract-row';
import * as billingRepo from '../billing/billing.repository';
import * as repo from './contracts.repository';
import { ContractsService } from './contracts.service';

jest.mock('./contracts.repository');
jest.mock('../billing/billing.repository');
// Rendering a real PDF is the document's concern (and slow); the signing effects only store what it returns.
jest.mock('../documents/contract-document', () => ({
  ...jest.requireActual<object>('../documents/contract-document'),
  renderPdf: jest.fn(() => Promise.resolve(Buffer.from('%PDF signed'))),
}));
const r = jest.mocked(repo);
const billing = jest.mocked(billingRepo);

const ID = '0190a5b0-0000-7000-8000-000000000001';
const NOW = new Date('2026-03-02T02:00:00Z'); // 10:00 in Shanghai
const SELLER = 'org-seller';
const BUYER = 'org-buyer';
const holderAdmin = { userId: 'u-holder', organizationId: SELLER, roles: ['holder_admin'] } as unknown as Principal;
const enterpriseAdmin = { userId: 'u-buyer', organizationId: BUYER, roles: ['enterprise_admin'] } as unknown as Principal;
const signature = (party: 'seller' | 'buyer') => ({
  party,
  version: 2,
  organizationId: party === 'seller' ? SELLER : BUYER,
  userId: 'u',
  signerName: 'n',
  signedAt: NOW,
  termsSha256: 'x',
});

function contract(over: Partial<ContractRow> = {}): ContractRow {
  const { type, terms } = draftFromDeal({
    dealType: 'transfer',
    licenseType: null,
    priceFen: 1_000_000n,
    concludedOn: LocalDate.parse('2026-02-20'),
    transferObject: 'patent_right',
    fromUseFirstList: false,
    buyerIsSme: false,
  });
  return {
    id: ID,
    contractNumber: '2026-330106-000001',
    type,
    source: 'auction',
    dealId: 'd1',
    freeLicenseApplicationId: null,
    achievementId: 'a1',
    achievementTitle: '甲',
    sellerId: SELLER,
    sellerName: '卖方',
    buyerId: BUYER,
    buyerName: '买方',
    buyerSme: false,
    title: '甲 技术转让合同',
    status: 'awaiting_signatures',
    version: 2,
    terms,
    priceFen: '1000000',
    depositFen: '50000',
    signedAt: null,
    tookEffectOn: null,
    signedTermsSha256: null,
    effectRecordedAt: null,
    depositAppliedAt: null,
    trialEndsOn: null,
    convertedOn: null,
    registrationNumber: null,
    registeredOn: null,
    registry: null,
    registeredBy: null,
    registeredAt: null,
    completedAt: null,
    terminatedAt: null,
    terminationKind: null,
    terminationReason: null,
    defaultRecordedAt: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

describe('ContractsService signing (repositories replaced)', () => {
  let effects: string[];
  let m: EntityManager;
  let service: ContractsService;
  let listingFlows: { applyWinnerDeposit: jest.Mock; defaultDeal: jest.Mock };
  let transformations: { recordFromContract: jest.Mock };
  let payments: { recordDepositApplied: jest.Mock; movementStatuses: jest.Mock };
  let deals: { markContracted: jest.Mock };
  let deposits: { get: jest.Mock };
  /** What the repository answers for the contract: before the signature, then (after the commit) as signed. */
  let current: ContractRow;

  beforeEach(() => {
    jest.clearAllMocks();
    effects = [];
    const details = { creditCode: null, regionCode: '330106', organizationType: 'holder', holderCategory: 'university', sme: false };
    r.partyDetails.mockResolvedValue(new Map([SELLER, BUYER].map((id) => [id, details])));
    // SQL the service still runs itself: the audit entries
    const query = jest.fn((sql: string, params: unknown[]) => {
      if (sql.includes('INSERT INTO audit_log')) effects.push(`audit ${String(params[3])}`);
      return Promise.resolve([]);
    });
    m = { query } as unknown as EntityManager;
    const tx = { run: (work: (m: EntityManager) => Promise<unknown>) => work(m) } as unknown as TransactionRunner;
    const db = { manager: m, query } as unknown as DataSource;
    listingFlows = { applyWinnerDeposit: jest.fn(), defaultDeal: jest.fn() };
    transformations = { recordFromContract: jest.fn(() => Promise.resolve(effects.push('transformation recorded'))) };
    payments = {
      recordDepositApplied: jest.fn(() => Promise.resolve(effects.push('deposit payment'))),
      movementStatuses: jest.fn(() => Promise.resolve({ payments: [], refunds: [] })),
    };
    deals = { markContracted: jest.fn((_m: unknown, dealId: string) => Promise.resolve(effects.push(`deal ${dealId} contracted`) > 0)) };
    deposits = { get: jest.fn() };
    const clock: Clock = { now: () => NOW };
    service = new ContractsService(
      tx,
      db,
      transformations as unknown as TransformationsService,
      listingFlows as unknown as ListingFlowsService,
      payments as unknown as ContractPaymentsService,
      deposits as unknown as DepositsService,
      clock,
      {} as DomainEventHandlers,
      deals as unknown as DealsService,
      {} as FreeLicensesService,
      { rightsForDocument: jest.fn(() => Promise.resolve({ technicalField: null, ipRights: [] })) } as unknown as AchievementsService,
      { notify: jest.fn(() => Promise.resolve()) } as unknown as NotificationsService,
    );
    current = contract();
    r.findContract.mockImplementation(() => Promise.resolve(current));
    r.insertSignature.mockResolvedValue(true);
    billing.royaltyReportsOf.mockResolvedValue([]);
    billing.milestonesOf.mockResolvedValue([]);
    r.signedDocumentSha256.mockResolvedValue(null);
    r.signaturesOf.mockResolvedValue([signature('seller')]);
    r.markSigned.mockImplementation((_m, id, x) => {
      effects.push(`signed ${id} on ${x.tookEffectOn}`);
      current = { ...current, status: 'signed', signedAt: x.at, tookEffectOn: x.tookEffectOn, signedTermsSha256: x.termsSha256, trialEndsOn: x.trialEndsOn };
      return Promise.resolve();
    });
    r.insertSignedDocument.mockImplementation(() => Promise.resolve(void effects.push('document stored')));
    r.markDepositApplied.mockImplementation(() => Promise.resolve(void effects.push('deposit applied marked')));
    r.markEffectRecorded.mockImplementation(() => Promise.resolve(void effects.push('effect recorded marked')));
  });

  it('a first signature is recorded and nothing else happens: no effect, no document, the deal untouched', async () => {
    await service.sign(holderAdmin, ID, { version: 2 });
    expect(r.insertSignature).toHaveBeenCalledWith(
      m,
      expect.objectContaining({ contractId: ID, version: 2, party: 'seller', organizationId: SELLER, userId: 'u-holder' }),
    );
    expect(effects).toEqual(['audit contract.signature_added']);
    expect(listingFlows.applyWinnerDeposit).not.toHaveBeenCalled();
    expect(transformations.recordFromContract).not.toHaveBeenCalled();
  });

  it('the last signature makes it take effect today, stores the signed document, marks the deal contracted, then applies the deposit and records the effect', async () => {
    r.signaturesOf.mockResolvedValue([signature('seller'), signature('buyer')]);
    listingFlows.applyWinnerDeposit.mockResolvedValue('dep1');
    deposits.get.mockResolvedValue({ status: 'captured', capturedFen: 50_000n });
    await service.sign(enterpriseAdmin, ID, { version: 2 });
    expect(effects).toEqual([
      'audit contract.signature_added',
      `signed ${ID} on 2026-03-02`,
      'document stored',
      'deal d1 contracted',
      'audit contract.signed',
      // after the commit
      'deposit payment',
      'deposit applied marked',
      'transformation recorded',
      'effect recorded marked',
    ]);
    expect(payments.recordDepositApplied).toHaveBeenCalledWith(
      expect.objectContaining({ referenceId: ID, amountFen: 50_000n, depositId: 'dep1', organizationId: BUYER, payeeOrganizationId: SELLER }),
    );
    expect(transformations.recordFromContract).toHaveBeenCalledWith({ contractId: ID, achievementId: 'a1', kind: 'transfer', tookEffectOn: '2026-03-02' });
    // the terms' hash is the one each signature carried
    const sha = r.insertSignature.mock.calls[0][1].termsSha256;
    expect(r.markSigned.mock.calls[0][2].termsSha256).toBe(sha);
  });

  it('a second signature by the same party is refused, and nothing follows', async () => {
    r.insertSignature.mockResolvedValue(false);
    await expect(service.sign(holderAdmin, ID, { version: 2 })).rejects.toMatchObject({ code: 'CONTRACT_ALREADY_SIGNED_BY_PARTY' });
    expect(effects).toEqual([]);
    expect(r.markSigned).not.toHaveBeenCalled();
  });

  it('signing a version other than the current one is refused before anything is written', async () => {
    await expect(service.sign(holderAdmin, ID, { version: 1 })).rejects.toMatchObject({ code: 'CONTRACT_VERSION_CONFLICT' });
    expect(r.insertSignature).not.toHaveBeenCalled();
  });

  it('a contract still in draft is not signed; a member who is not the signatory is forbidden', async () => {
    current = contract({ status: 'draft' });
    await expect(service.sign(holderAdmin, ID, { version: 2 })).rejects.toBeInstanceOf(ConflictError);
    current = contract();
    await expect(service.sign({ ...enterpriseAdmin, roles: ['enterprise_member'] } as unknown as Principal, ID, { version: 2 })).rejects.toMatchObject({
      code: 'NOT_AUTHORISED_SIGNATORY',
    });
    expect(r.insertSignature).not.toHaveBeenCalled();
  });

  it('a free-licence contract takes effect without a deal or a deposit: the licence is recorded with the registry', async () => {
    const { type, terms } = draftFreeLicense(LocalDate.parse('2026-02-01'));
    current = contract({ type, terms, source: 'free_license', dealId: null, freeLicenseApplicationId: 'f1', priceFen: '0', depositFen: '0' });
    r.signaturesOf.mockResolvedValue([signature('seller'), signature('buyer')]);
    await service.sign(enterpriseAdmin, ID, { version: 2 });
    expect(effects).toEqual([
      'audit contract.signature_added',
      `signed ${ID} on 2026-03-02`,
      'document stored',
      'audit contract.signed',
      'deposit applied marked',
      'transformation recorded',
      'effect recorded marked',
    ]);
    expect(listingFlows.applyWinnerDeposit).not.toHaveBeenCalled();
    expect(transformations.recordFromContract).toHaveBeenCalledWith({
      contractId: ID,
      achievementId: 'a1',
      kind: 'license',
      licenseType: 'ordinary',
      tookEffectOn: '2026-03-02',
    });
  });

  it('after signing, a deposit not captured is not paid in, and a step already recorded is not repeated', async () => {
    current = contract({ status: 'signed', signedAt: NOW, tookEffectOn: '2026-03-02', effectRecordedAt: NOW });
    listingFlows.applyWinnerDeposit.mockResolvedValue('dep1');
    deposits.get.mockResolvedValue({ status: 'forfeited', capturedFen: 0n });
    await service.afterSigning(ID);
    expect(effects).toEqual(['deposit applied marked']);
    expect(payments.recordDepositApplied).not.toHaveBeenCalled();
    expect(transformations.recordFromContract).not.toHaveBeenCalled();
  });
});

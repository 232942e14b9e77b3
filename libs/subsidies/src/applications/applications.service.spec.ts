import type { NotificationsService } from '@zjp/identity';
import type { Clock } from '@zjp/core';
import type { TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { LoadedSubject, SubjectFactsLoader } from '../candidates/subject-facts';
import type { SubsidyExplanation } from '../domain';
import type { LoadedPolicy, SubsidyPoliciesService } from '../policies/policies.service';
import {
  findApplicationRow,
  grantedPoliciesOfSubject,
  lockApplication,
  lockSubject,
  markApproved,
  reserveBudget,
  type ApplicationRow,
  type LockedApplication,
} from './applications.repository';
import { SubsidyApplicationsService } from './applications.service';
import { entitlement } from './entitlement';

jest.mock('./applications.repository');
jest.mock('./entitlement');
const lock = jest.mocked(lockApplication);
const subjectLock = jest.mocked(lockSubject);
const reserve = jest.mocked(reserveBudget);
const approved = jest.mocked(markApproved);
const find = jest.mocked(findApplicationRow);
const grantedPolicies = jest.mocked(grantedPoliciesOfSubject);
const entitled = jest.mocked(entitlement);

const NOW = new Date('2026-03-02T08:00:00Z');
const AUTHORITY = '00000000-0000-7000-8000-00000000a001';
const approver: Principal = {
  userId: 'u-approver',
  organizationId: AUTHORITY,
  organizationType: 'authority',
  roles: ['authority_admin'],
  sessionId: 's',
} as Principal;

const reviewed = (over: Partial<LockedApplication> = {}): LockedApplication => ({
  id: 'app-1',
  policy_id: 'pol-1',
  authority_id: AUTHORITY,
  subject_type: 'contract',
  subject_id: 'c-1',
  enterprise_id: 'ent-1',
  year: 2025,
  status: 'reviewed',
  computed_fen: '50000',
  recommended_fen: '40000',
  approved_fen: null,
  reviewed_by: 'u-reviewer',
  batch_id: null,
  ...over,
});

const explanation = (bit: string | null): SubsidyExplanation => ({ caps: bit ? [{ name: bit, bit: true }] : [] }) as unknown as SubsidyExplanation;

describe('SubsidyApplicationsService.approve (repositories replaced)', () => {
  const m = { query: jest.fn() } as unknown as EntityManager;
  const tx = { run: (work: (m: EntityManager) => Promise<unknown>) => work(m) } as unknown as TransactionRunner;
  const clock = { now: () => NOW } as Clock;
  let policy: LoadedPolicy;
  let loadPolicy: jest.Mock;
  let loadSubject: jest.Mock;
  let service: SubsidyApplicationsService;

  beforeEach(() => {
    jest.resetAllMocks();
    (m.query as jest.Mock).mockResolvedValue([]);
    policy = {
      id: 'pol-1',
      authorityId: AUTHORITY,
      kind: 'contract',
      status: 'active',
      version: 1,
      terms: { stacking: 'combinable' },
      budgetFen: 1_000_000n,
      reservedFen: 0n,
      paidFen: 0n,
    } as unknown as LoadedPolicy;
    loadPolicy = jest.fn(() => Promise.resolve(policy));
    loadSubject = jest.fn(() => Promise.resolve({ type: 'contract', id: 'c-1', enterpriseId: 'ent-1' } as LoadedSubject));
    service = new SubsidyApplicationsService(
      tx,
      {} as DataSource,
      { load: loadSubject } as unknown as SubjectFactsLoader,
      { load: loadPolicy } as unknown as SubsidyPoliciesService,
      clock,
      { notify: jest.fn(() => Promise.resolve()) } as unknown as NotificationsService,
    );
    lock.mockResolvedValue(reviewed());
    grantedPolicies.mockResolvedValue([]);
    reserve.mockResolvedValue(true);
    find.mockResolvedValue({ id: 'app-1', enterprise_id: 'ent-1', authority_id: AUTHORITY, status: 'approved' } as ApplicationRow);
  });

  it('approves the recommended amount within the entitlement: subject lock, then the policy locked, budget reserved, then the application marked', async () => {
    entitled.mockResolvedValue({ eligible: true, failedCondition: null, amountFen: 45000n, explanation: explanation(null) });
    const view = await service.approve(approver, 'app-1', 'ok');
    expect(loadPolicy).toHaveBeenCalledWith(m, 'pol-1', true);
    expect(subjectLock.mock.invocationCallOrder[0]).toBeLessThan(loadPolicy.mock.invocationCallOrder[0]);
    expect(reserve).toHaveBeenCalledWith(m, 'pol-1', 40000n, NOW);
    expect(approved).toHaveBeenCalledWith(m, 'app-1', 40000n, explanation(null), 'u-approver', NOW, 'ok');
    expect(reserve.mock.invocationCallOrder[0]).toBeLessThan(approved.mock.invocationCallOrder[0]);
    // The audit row is written in the same transaction, after the approval.
    const audit = (m.query as jest.Mock).mock.calls.find(([sql]) => String(sql).includes('audit_log'));
    expect(audit?.[1]).toEqual(expect.arrayContaining(['subsidy_application.approved', 'app-1', 'ok']));
    expect(view.status).toBe('approved');
  });

  it('grants the computed amount when the reviewer recommended none', async () => {
    lock.mockResolvedValue(reviewed({ recommended_fen: null }));
    entitled.mockResolvedValue({ eligible: true, failedCondition: null, amountFen: 50000n, explanation: explanation(null) });
    await service.approve(approver, 'app-1', 'ok');
    expect(reserve).toHaveBeenCalledWith(m, 'pol-1', 50000n, NOW);
  });

  it.each([
    ['a cap', 'enterprise_year', 'AMOUNT_EXCEEDS_ENTITLEMENT'],
    ['the budget', 'budget', 'BUDGET_EXHAUSTED'],
  ])('refuses an amount over what %s leaves, naming what bit, and reserves nothing', async (_what, bit, code) => {
    entitled.mockResolvedValue({ eligible: true, failedCondition: null, amountFen: 30000n, explanation: explanation(bit) });
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code, details: { availableFen: '30000' } });
    expect(reserve).not.toHaveBeenCalled();
    expect(approved).not.toHaveBeenCalled();
  });

  it('refuses when the conditional reservation finds the budget short (a race the recomputation missed)', async () => {
    entitled.mockResolvedValue({ eligible: true, failedCondition: null, amountFen: 45000n, explanation: explanation(null) });
    reserve.mockResolvedValue(false);
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    expect(approved).not.toHaveBeenCalled();
  });

  it('refuses a subject no longer eligible', async () => {
    entitled.mockResolvedValue({ eligible: false, failedCondition: 'effective_in_year', amountFen: 0n, explanation: explanation(null) });
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code: 'NOT_ELIGIBLE', details: { failedCondition: 'effective_in_year' } });
    expect(reserve).not.toHaveBeenCalled();
  });

  it('refuses to stack onto an exclusive grant under another policy', async () => {
    entitled.mockResolvedValue({ eligible: true, failedCondition: null, amountFen: 45000n, explanation: explanation(null) });
    grantedPolicies.mockResolvedValue([{ policyId: 'pol-2', stacking: 'exclusive' }]);
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code: 'STACKING_NOT_ALLOWED', details: { conflictingPolicyId: 'pol-2' } });
    expect(grantedPolicies).toHaveBeenCalledWith(m, 'contract', 'c-1', 'app-1');
    expect(reserve).not.toHaveBeenCalled();
  });

  it.each([
    ['submitted', 'APPLICATION_NOT_REVIEWED'],
    ['approved', 'APPLICATION_NOT_REVIEWED'],
    ['rejected', 'APPLICATION_NOT_REVIEWED'],
  ])('refuses an application that is %s (not awaiting the second decision)', async (status, code) => {
    lock.mockResolvedValue(reviewed({ status }));
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code });
    expect(subjectLock).not.toHaveBeenCalled();
    expect(loadPolicy).not.toHaveBeenCalled();
  });

  it('refuses the reviewer as approver (four eyes)', async () => {
    await expect(service.approve({ ...approver, userId: 'u-reviewer' }, 'app-1', 'ok')).rejects.toMatchObject({ code: 'FOUR_EYES' });
    expect(reserve).not.toHaveBeenCalled();
  });

  it("refuses another authority's administrator", async () => {
    await expect(service.approve({ ...approver, organizationId: 'other' }, 'app-1', 'ok')).rejects.toMatchObject({ code: 'ORGANIZATION_BOUNDARY' });
  });

  it('refuses an unknown application', async () => {
    lock.mockResolvedValue(undefined);
    await expect(service.approve(approver, 'nope', 'ok')).rejects.toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
  });

  it('refuses under a withdrawn policy, before computing anything', async () => {
    policy.status = 'withdrawn';
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code: 'POLICY_WITHDRAWN' });
    expect(entitled).not.toHaveBeenCalled();
  });

  it('refuses when the subject no longer exists', async () => {
    loadSubject.mockResolvedValue(undefined);
    await expect(service.approve(approver, 'app-1', 'ok')).rejects.toMatchObject({ code: 'SUBJECT_NOT_FOUND' });
    expect(entitled).not.toHaveBeenCalled();
  });
});

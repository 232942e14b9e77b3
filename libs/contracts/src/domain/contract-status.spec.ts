import { CONTRACT_ACTIONS, CONTRACT_STATUSES, ContractAction, ContractStatus, nextPerformanceStep, transition } from './contract-status';

describe('transition (the contract state machine)', () => {
  it.each<[ContractStatus, ContractAction, ContractStatus | string]>([
    ['draft', 'amend', 'draft'],
    ['draft', 'submit', 'awaiting_signatures'],
    ['awaiting_signatures', 'amend', 'draft'],
    ['awaiting_signatures', 'sign', 'awaiting_signatures'],
    ['awaiting_signatures', 'complete_signatures', 'signed'],
    ['signed', 'register', 'registered'],
    ['registered', 'start_performance', 'in_performance'],
    ['in_performance', 'complete', 'completed'],
    ['signed', 'pay', 'signed'],
    ['registered', 'pay', 'registered'],
    ['in_performance', 'report_royalty', 'in_performance'],
    ['signed', 'convert', 'signed'],
    ['draft', 'terminate', 'terminated'],
    ['in_performance', 'terminate', 'terminated'],
    // refused, with a stable code
    ['draft', 'sign', 'CONTRACT_NOT_SUBMITTED'],
    ['signed', 'sign', 'CONTRACT_ALREADY_SIGNED'],
    ['signed', 'amend', 'CONTRACT_ALREADY_SIGNED'],
    ['registered', 'amend', 'CONTRACT_ALREADY_SIGNED'],
    ['awaiting_signatures', 'submit', 'CONTRACT_ALREADY_SUBMITTED'],
    ['draft', 'register', 'CONTRACT_NOT_SIGNED'],
    ['awaiting_signatures', 'register', 'CONTRACT_NOT_SIGNED'],
    ['registered', 'register', 'CONTRACT_ALREADY_REGISTERED'],
    ['in_performance', 'register', 'CONTRACT_ALREADY_REGISTERED'],
    ['signed', 'complete', 'CONTRACT_NOT_IN_PERFORMANCE'],
    ['draft', 'pay', 'CONTRACT_NOT_SIGNED'],
    ['awaiting_signatures', 'convert', 'CONTRACT_NOT_SIGNED'],
    ['terminated', 'terminate', 'CONTRACT_TERMINATED'],
    ['terminated', 'pay', 'CONTRACT_TERMINATED'],
    ['completed', 'terminate', 'CONTRACT_COMPLETED'],
    ['completed', 'pay', 'CONTRACT_COMPLETED'],
    ['completed', 'complete', 'CONTRACT_COMPLETED'],
  ])('%s + %s → %s', (from, action, expected) => {
    const result = transition(from, action);
    expect(result.ok ? result.to : result.code).toBe(expected);
  });

  it('answers every status and action, and nothing leaves terminated', () => {
    for (const status of CONTRACT_STATUSES) {
      for (const action of CONTRACT_ACTIONS) {
        const r = transition(status, action);
        expect(r.ok || /^[A-Z_]+$/.test(r.code)).toBe(true);
        if (status === 'terminated') expect(r.ok).toBe(false);
      }
    }
  });

  it('signs only through awaiting_signatures: no path from draft to signed skips it', () => {
    for (const action of CONTRACT_ACTIONS) {
      const r = transition('draft', action);
      if (r.ok) expect(r.to).not.toBe('signed');
    }
  });
});

describe('nextPerformanceStep', () => {
  const facts = { hasFees: true, paidAnything: false, settled: false, termEnded: false };
  it.each([
    ['registered', facts, null],
    ['registered', { ...facts, paidAnything: true }, 'in_performance'],
    ['in_performance', { ...facts, paidAnything: true }, null],
    ['in_performance', { ...facts, paidAnything: true, settled: true }, 'completed'],
    ['registered', { ...facts, hasFees: false, settled: true }, 'in_performance'],
    ['in_performance', { ...facts, hasFees: false, settled: true }, null],
    ['in_performance', { ...facts, hasFees: false, settled: true, termEnded: true }, 'completed'],
    ['signed', { ...facts, paidAnything: true, settled: true }, null],
  ] as const)('%s with %j → %s', (status, f, expected) => {
    expect(nextPerformanceStep(status, f)).toBe(expected);
  });
});

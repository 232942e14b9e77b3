import { covers, grantErrors, mandateStatus, type MandateTerms } from './mandate';

const mandate = (over: Partial<MandateTerms> = {}): MandateTerms => ({
  achievementIds: ['a1'],
  lotIds: ['l1'],
  permissions: ['register_and_bid'],
  endsOn: '2026-12-31',
  revokedAt: null,
  ...over,
});

describe('mandateStatus', () => {
  it.each([
    ['2026-12-30', null, 'active'],
    ['2026-12-31', null, 'active'], // the whole end date, Beijing time
    ['2027-01-01', null, 'lapsed'],
    ['2026-06-01', new Date(), 'revoked'],
  ] as const)('on %s (revoked %s) is %s', (today, revokedAt, expected) => {
    expect(mandateStatus({ endsOn: '2026-12-31', revokedAt }, today)).toBe(expected);
  });
});

describe('covers', () => {
  it('allows a granted action on a lot in scope, or a lot of an achievement in scope', () => {
    expect(covers(mandate(), 'register_and_bid', { lotIds: ['l1'], achievementId: 'other' })).toEqual({ ok: true });
    expect(covers(mandate(), 'register_and_bid', { lotIds: ['l9'], achievementId: 'a1' })).toEqual({ ok: true });
  });
  it('refuses another action, then another resource', () => {
    expect(covers(mandate(), 'negotiate', { lotIds: ['l1'], achievementId: 'a1' })).toEqual({ ok: false, code: 'MANDATE_ACTION_NOT_GRANTED' });
    expect(covers(mandate(), 'register_and_bid', { lotIds: ['l9'], achievementId: 'a9' })).toEqual({ ok: false, code: 'MANDATE_SCOPE_EXCLUDES' });
    expect(covers(mandate(), 'register_and_bid', { lotIds: [], achievementId: null })).toEqual({ ok: false, code: 'MANDATE_SCOPE_EXCLUDES' });
  });
});

describe('grantErrors', () => {
  const ok = { permissions: ['list'] as const, achievementIds: ['a1'], lotIds: [], endsOn: '2026-12-31', rateBp: 300 };
  it('accepts a well-formed grant', () => {
    expect(grantErrors('holder', { ...ok, permissions: [...ok.permissions] }, '2026-12-01', '2029-12-01')).toEqual([]);
  });
  it('names each offending field', () => {
    const errors = grantErrors(
      'holder',
      { permissions: ['register_and_bid'], achievementIds: [], lotIds: [], endsOn: '2030-01-01', rateBp: 300, fixedFen: '100' },
      '2026-12-01',
      '2029-12-01',
    );
    expect(errors.map((e) => `${e.field}:${e.code}`)).toEqual([
      'permissions:notForPrincipal',
      'achievementIds:emptyScope',
      'endsOn:tooFar',
      'commissionRateBp:oneCommission',
    ]);
    expect(grantErrors('enterprise', { ...ok, permissions: ['negotiate'], endsOn: '2026-11-30' }, '2026-12-01', '2029-12-01')[0]).toMatchObject({
      field: 'endsOn',
      code: 'inPast',
    });
  });
});

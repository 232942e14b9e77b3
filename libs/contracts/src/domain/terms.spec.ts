import { ContractTerms, transformationOf, validateTerms } from './terms';

const license = {
  licenseType: 'exclusive' as const,
  startsOn: '2026-01-01',
  endsOn: '2030-12-31',
  territory: '中华人民共和国境内',
  fieldOfUse: '纺织印染',
  sublicensing: false,
};
const lump = { kind: 'lump_sum' as const, amountFen: '1060000', dueDays: 30 };
const codes = (type: Parameters<typeof validateTerms>[0], terms: ContractTerms) => validateTerms(type, terms).map((e) => `${e.field}:${e.code}`);

describe('validateTerms', () => {
  it('accepts complete terms of every type', () => {
    expect(codes('transfer', { transfer: { object: 'patent_right' }, fees: [lump] })).toEqual([]);
    expect(codes('license', { license, fees: [lump, { kind: 'royalty', rate: '0.03', period: 'quarter', dueDays: 30, minimumFen: '0' }] })).toEqual([]);
    expect(codes('equity', { equity: { valuationFen: '5000000000', capitalShare: '0.125', targetCompany: '杭州示范新材料有限公司' }, fees: [] })).toEqual([]);
    expect(codes('use_first', { license: { ...license, licenseType: 'ordinary' }, useFirst: { trialMonths: 12 }, fees: [lump] })).toEqual([]);
    expect(codes('free_license', { license: { ...license, licenseType: 'ordinary' }, fees: [] })).toEqual([]);
  });

  it('asks each type for its own section and refuses the others', () => {
    expect(codes('transfer', { license, fees: [lump] })).toEqual(['terms.transfer:required', 'terms.license:notAllowed']);
    expect(codes('use_first', { license, fees: [lump] })).toEqual(['terms.useFirst:required']);
    expect(codes('equity', { fees: [] })).toEqual(['terms.equity:required']);
  });

  it('P-3Y: a free licence is ordinary and has no fee', () => {
    expect(codes('free_license', { license, fees: [lump] })).toEqual(['terms.license.licenseType:freeLicenseIsOrdinary', 'terms.fees:freeLicenseHasNoFee']);
  });

  it('use-first fees are deferred: relative due days only', () => {
    expect(codes('use_first', { license, useFirst: { trialMonths: 12 }, fees: [{ kind: 'lump_sum', amountFen: '100', dueOn: '2026-05-01' }] })).toEqual([
      'terms.fees[0].dueOn:deferredFee',
    ]);
    expect(codes('use_first', { license, useFirst: { trialMonths: 0 }, fees: [lump] })).toEqual(['terms.useFirst.trialMonths:range']);
  });

  it('checks the licence term, amounts, due dates, rates and milestone keys', () => {
    expect(
      codes('license', {
        license: { ...license, endsOn: '2025-12-31', territory: ' ' },
        fees: [
          { kind: 'lump_sum', amountFen: '0', dueDays: 1, dueOn: '2026-01-01' },
          { kind: 'royalty', rate: '1.5', period: 'decade' as 'year', dueDays: -1 },
          {
            kind: 'milestones',
            milestones: [
              { key: 'A b', description: '', amountFen: '1', dueDays: 0 },
              { key: 'x', description: 'x', amountFen: '1', dueDays: 0 },
              { key: 'x', description: 'x', amountFen: '1', dueDays: 0 },
            ],
          },
          { kind: 'instalments', instalments: [] },
        ],
      }),
    ).toEqual([
      'terms.license.endsOn:afterStart',
      'terms.license.territory:required',
      'terms.fees[0].amountFen:min',
      'terms.fees[0]:dueOnOrDueDays',
      'terms.fees[1].rate:range',
      'terms.fees[1].period:isIn',
      'terms.fees[1].dueDays:range',
      'terms.fees[2].milestones[0].key:matches',
      'terms.fees[2].milestones[0].description:required',
      'terms.fees[2].milestones[2].key:duplicate',
      'terms.fees[3].instalments:size',
    ]);
  });

  it('refuses a royalty without a licence term, two lump sums, no fee at all, and a bad equity share', () => {
    expect(codes('transfer', { transfer: { object: 'patent_right' }, fees: [{ kind: 'royalty', rate: '0.05', period: 'year', dueDays: 30 }] })).toEqual([
      'terms.fees[0]:royaltyNeedsLicense',
    ]);
    expect(codes('transfer', { transfer: { object: 'patent_right' }, fees: [lump, lump] })).toEqual(['terms.fees:duplicateKind']);
    expect(codes('license', { license, fees: [] })).toEqual(['terms.fees:required']);
    expect(codes('equity', { equity: { valuationFen: '1', capitalShare: '1.01', targetCompany: 'x' }, fees: [] })).toEqual(['terms.equity.capitalShare:range']);
    expect(codes('equity', { equity: { valuationFen: '1', capitalShare: '0', targetCompany: 'x' }, fees: [] })).toEqual(['terms.equity.capitalShare:range']);
  });
});

describe('transformationOf', () => {
  it('maps contract types to what the registry records', () => {
    expect(transformationOf('transfer', { fees: [] })).toEqual({ kind: 'transfer' });
    expect(transformationOf('equity', { fees: [] })).toEqual({ kind: 'equity' });
    expect(transformationOf('license', { license, fees: [] })).toEqual({ kind: 'license', licenseType: 'exclusive' });
    expect(transformationOf('use_first', { license: { ...license, licenseType: 'ordinary' }, fees: [] })).toEqual({ kind: 'license', licenseType: 'ordinary' });
    expect(transformationOf('free_license', { license: { ...license, licenseType: 'ordinary' }, fees: [] })).toEqual({
      kind: 'license',
      licenseType: 'ordinary',
    });
  });
});

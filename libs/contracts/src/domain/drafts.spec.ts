import { LocalDate } from '@zjp/core';
import { checkTermsShape, draftFreeLicense, draftFromDeal } from './drafts';
import { validateTerms } from './terms';

const deal = {
  dealType: 'license' as const,
  licenseType: 'exclusive' as const,
  priceFen: 1_060_000n,
  concludedOn: LocalDate.parse('2026-03-01'),
  transferObject: 'patent_right' as const,
  fromUseFirstList: false,
  buyerIsSme: true,
};

describe('draftFromDeal', () => {
  it('turns a licence deal into a licence with the price as a lump sum due 30 days after signing, five years from the deal', () => {
    const { type, terms } = draftFromDeal(deal);
    expect(type).toBe('license');
    expect(terms.license).toMatchObject({ licenseType: 'exclusive', startsOn: '2026-03-01', endsOn: '2031-02-28' });
    expect(terms.fees).toEqual([{ kind: 'lump_sum', amountFen: '1060000', dueDays: 30 }]);
    expect(validateTerms(type, terms)).toEqual([]);
  });

  it('a licence from the use-first list bought by an SME is a use-first contract (P-2Y, P-PRICE); by a large enterprise an ordinary licence', () => {
    expect(draftFromDeal({ ...deal, licenseType: 'ordinary', fromUseFirstList: true })).toMatchObject({
      type: 'use_first',
      terms: { useFirst: { trialMonths: 12 } },
    });
    expect(draftFromDeal({ ...deal, fromUseFirstList: true, buyerIsSme: false }).type).toBe('license');
  });

  it('a transfer is complete at once; an equity draft waits for the share and the company', () => {
    const transfer = draftFromDeal({ ...deal, dealType: 'transfer', transferObject: 'technical_secret' });
    expect(transfer).toMatchObject({ type: 'transfer', terms: { transfer: { object: 'technical_secret' } } });
    expect(validateTerms(transfer.type, transfer.terms)).toEqual([]);
    const equity = draftFromDeal({ ...deal, dealType: 'equity' });
    expect(validateTerms(equity.type, equity.terms).map((e) => e.field)).toEqual(['terms.equity.capitalShare', 'terms.equity.targetCompany']);
  });
});

describe('draftFreeLicense (P-3Y)', () => {
  it('is an ordinary licence free of charge for three years from the approval', () => {
    const { type, terms } = draftFreeLicense(LocalDate.parse('2026-02-29'.replace('29', '28')));
    expect(type).toBe('free_license');
    expect(terms).toMatchObject({ license: { licenseType: 'ordinary', startsOn: '2026-02-28', endsOn: '2029-02-27' }, fees: [] });
    expect(validateTerms(type, terms)).toEqual([]);
  });
});

describe('checkTermsShape', () => {
  it('refuses unknown fields at every level and malformed fees', () => {
    expect(
      checkTermsShape({
        license: { licenseType: 'x', color: 'red' },
        fees: [{ kind: 'lump_sum', amountFen: '1', extra: 1 }, { kind: 'bonus' }, { kind: 'milestones', milestones: [{ key: 'a', why: 1 }] }],
        secret: 1,
      }).map((e) => `${e.field}:${e.code}`),
    ).toEqual([
      'terms.secret:unknownField',
      'terms.license.color:unknownField',
      'terms.fees[0].extra:unknownField',
      'terms.fees[1].kind:isIn',
      'terms.fees[2].milestones[0].why:unknownField',
    ]);
    expect(checkTermsShape('x').map((e) => e.code)).toEqual(['isObject']);
    expect(checkTermsShape({}).map((e) => e.field)).toEqual(['terms.fees']);
  });
});

import { LocalDate, type RegionLevel } from '@zjp/core';
import { parsePolicyDocument, type PolicyDocument, type PolicyTerms } from './policy-terms';
import { previewSubsidy, previewYear } from './preview';

type Authority = { level: RegionLevel; regionCode: string };
const KEQIAO: Authority = { level: 'county', regionCode: '330603' };
const ZHEJIANG: Authority = { level: 'province', regionCode: '330000' };

function policy(overrides: Partial<PolicyDocument> = {}, authority: Authority = KEQIAO): PolicyTerms {
  const parsed = parsePolicyDocument(
    {
      kind: 'contract',
      name: '技术交易分档补助',
      documentNumber: '柯科〔2026〕18号',
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-12-31',
      eligibility: { contractTypes: ['license'], registration: { required: true, withinDaysOfSigning: 30 }, buyerMustBeSme: true, buyerMustBeHighTech: true },
      rate: {
        kind: 'banded',
        tiers: [
          { fromFen: '0', rate: '5%' },
          { fromFen: '100000000', rate: '8%' },
        ],
      },
      caps: { perContractFen: '15000000' },
      budgetFen: '500000000',
      ...overrides,
    },
    authority,
  );
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.terms;
}

const today = LocalDate.parse('2026-12-06');

describe('the policy editor preview', () => {
  it('meets every condition of the policy and runs the engine on the value: the band, the cap, the explanation', () => {
    const result = previewSubsidy({ policy: policy(), budgetFen: 500_000_000n, valueFen: 200_000_000n, today });
    expect(result.eligible).toBe(true);
    expect(result.explanation.conditions.every((c) => c.passed)).toBe(true);
    expect(result.amountFen).toBe(15_000_000n); // 8% of 2,000,000 元 = 160,000 元, capped at 150,000 元
    expect(result.explanation.rate.steps).toEqual([expect.objectContaining({ fromFen: '100000000', rate: '0.08', exactFen: '16000000' })]);
    expect(result.explanation.caps.find((c) => c.name === 'perContract')?.bit).toBe(true);
    expect(previewSubsidy({ policy: policy(), budgetFen: 500_000_000n, valueFen: 50_000_000n, today }).amountFen).toBe(2_500_000n);
  });

  it('is limited by the budget, and by what the enterprise already has this year', () => {
    expect(previewSubsidy({ policy: policy(), budgetFen: 1_000_000n, valueFen: 200_000_000n, today }).amountFen).toBe(1_000_000n);
    const yearly = policy({ caps: { perEnterprisePerYearFen: '10000000' } });
    expect(previewSubsidy({ policy: yearly, budgetFen: 500_000_000n, valueFen: 200_000_000n, today, enterpriseYearToDateFen: 4_000_000n }).amountFen).toBe(
      6_000_000n,
    );
  });

  it('claims this year when the policy is in force in it, else the first year of the policy; a year outside it fails policyInForce', () => {
    expect(previewYear(policy(), today)).toBe(2026);
    const later = policy({ effectiveFrom: '2028-03-01', effectiveTo: null });
    expect(previewYear(later, today)).toBe(2028);
    const r = previewSubsidy({ policy: later, budgetFen: 500_000_000n, valueFen: 200_000_000n, today });
    expect(r.eligible).toBe(true);
    expect(r.explanation.base.items[0].date).toBe('2028-03-01');
    expect(previewSubsidy({ policy: policy(), budgetFen: 1n, valueFen: 1n, today, year: 2030 }).failedCondition).toBe('policyInForce');
  });

  it('makes up a seller that fits: a high-level platform, out of the province', () => {
    for (const sellerCategory of ['high_level_platform', 'out_of_province', 'university_or_institute'] as const) {
      const p = policy({ eligibility: { contractTypes: ['transfer'], sellerCategory } }, ZHEJIANG);
      expect([sellerCategory, previewSubsidy({ policy: p, budgetFen: 500_000_000n, valueFen: 10_000_000n, today }).eligible]).toEqual([sellerCategory, true]);
    }
  });

  it('previews a P-DON policy on a research funding', () => {
    const pdon = policy(
      { kind: 'research_funding', base: 'research_funding', rate: undefined, caps: {}, eligibility: { fundingModes: ['joint_fund'] } },
      ZHEJIANG,
    );
    const r = previewSubsidy({ policy: pdon, budgetFen: 500_000_000n, valueFen: 300_000_000n, today });
    expect([r.eligible, r.amountFen]).toEqual([true, 30_000_000n]);
  });
});

import { LocalDate } from '@zjp/core';
import { type AchievementFacts, evaluateIdleRule, type IpRightFacts, type JustificationFacts, type TransformationFacts } from './idle-rule';

const d = LocalDate.parse;

const right = (status: IpRightFacts['status'], grantedOn: string | null): IpRightFacts => ({
  status,
  grantedOn: grantedOn === null ? null : d(grantedOn),
});
const valid = (grantedOn: string | null) => right('valid', grantedOn);
const transformation = (status: TransformationFacts['status'], tookEffectOn: string | null): TransformationFacts => ({
  status,
  tookEffectOn: tookEffectOn === null ? null : d(tookEffectOn),
});
const justification = (status: JustificationFacts['status'], endsOn: string): JustificationFacts => ({ status, endsOn: d(endsOn) });

/** A registered applied achievement with one valid right granted 2023-05-10, never transformed. */
function facts(overrides: Partial<AchievementFacts> = {}): AchievementFacts {
  return {
    kind: 'applied',
    registrationStatus: 'registered',
    ipRights: [valid('2023-05-10')],
    transformations: [],
    justifications: [],
    ...overrides,
  };
}

const iso = (date: LocalDate | null) => (date === null ? null : date.toString());

describe('evaluateIdleRule: when the full 2 and 3 years are reached (P-2Y / P-3Y)', () => {
  it.each`
    grantedOn       | on              | state                      | clause    | behaviour
    ${'2023-05-10'} | ${'2024-01-15'} | ${'clear'}                 | ${null}   | ${'is clear on an ordinary date within the first 2 years'}
    ${'2023-05-10'} | ${'2023-05-10'} | ${'clear'}                 | ${null}   | ${'is clear on the grant day'}
    ${'2023-05-10'} | ${'2022-01-01'} | ${'clear'}                 | ${null}   | ${'is clear before the grant'}
    ${'2023-05-10'} | ${'2025-05-10'} | ${'clear'}                 | ${null}   | ${'is clear on the last day of the 2-year period (day before the threshold)'}
    ${'2023-05-10'} | ${'2025-05-11'} | ${'use_first'}             | ${'P-2Y'} | ${'puts an idle achievement on the use-first list on the threshold day (GLOSSARY example)'}
    ${'2023-05-10'} | ${'2025-05-12'} | ${'use_first'}             | ${'P-2Y'} | ${'keeps it on the use-first list the day after the 2-year threshold'}
    ${'2023-05-10'} | ${'2026-05-10'} | ${'use_first'}             | ${'P-2Y'} | ${'is still P-2Y on the last day of the 3-year period (day before the threshold)'}
    ${'2023-05-10'} | ${'2026-05-11'} | ${'free_license_eligible'} | ${'P-3Y'} | ${'allows a free licence on the 3-year threshold day'}
    ${'2023-05-10'} | ${'2026-05-12'} | ${'free_license_eligible'} | ${'P-3Y'} | ${'allows a free licence the day after the 3-year threshold'}
    ${'2023-05-10'} | ${'2031-01-01'} | ${'free_license_eligible'} | ${'P-3Y'} | ${'stays P-3Y years later'}
    ${'2024-02-29'} | ${'2026-02-28'} | ${'clear'}                 | ${null}   | ${'is clear on 28 February, the end of a 2-year period from a leap day'}
    ${'2024-02-29'} | ${'2026-03-01'} | ${'use_first'}             | ${'P-2Y'} | ${'applies P-2Y from 1 March after a leap-day grant (GLOSSARY example)'}
    ${'2024-02-29'} | ${'2027-02-28'} | ${'use_first'}             | ${'P-2Y'} | ${'is still P-2Y on 28 February, the end of a 3-year period from a leap day'}
    ${'2024-02-29'} | ${'2027-03-01'} | ${'free_license_eligible'} | ${'P-3Y'} | ${'applies P-3Y from 1 March after a leap-day grant'}
    ${'2023-12-31'} | ${'2025-12-31'} | ${'clear'}                 | ${null}   | ${'is clear on 31 December, the end of a 2-year period from a year-end grant'}
    ${'2023-12-31'} | ${'2026-01-01'} | ${'use_first'}             | ${'P-2Y'} | ${'applies P-2Y from 1 January after a year-end grant'}
    ${'2023-12-31'} | ${'2026-01-02'} | ${'use_first'}             | ${'P-2Y'} | ${'keeps P-2Y the day after the threshold of a year-end grant'}
    ${'2023-12-31'} | ${'2026-12-31'} | ${'use_first'}             | ${'P-2Y'} | ${'is still P-2Y on 31 December, the end of a 3-year period from a year-end grant'}
    ${'2023-12-31'} | ${'2027-01-01'} | ${'free_license_eligible'} | ${'P-3Y'} | ${'applies P-3Y from 1 January after a year-end grant'}
    ${'2022-02-28'} | ${'2024-02-28'} | ${'clear'}                 | ${null}   | ${'is clear on 28 February 2024, the end of a 2-year period from 28 February'}
    ${'2022-02-28'} | ${'2024-02-29'} | ${'use_first'}             | ${'P-2Y'} | ${'applies P-2Y from a leap day when the period ends on 28 February'}
  `('$behaviour (granted $grantedOn, on $on)', ({ grantedOn, on, state, clause }) => {
    const result = evaluateIdleRule(facts({ ipRights: [valid(grantedOn)] }), d(on));
    expect(result).toMatchObject({ state, clause });
    expect(iso(result.earliestGrantedOn)).toBe(grantedOn);
  });

  it.each`
    grantedOn       | twoYearsFrom    | threeYearsFrom
    ${'2023-05-10'} | ${'2025-05-11'} | ${'2026-05-11'}
    ${'2024-02-29'} | ${'2026-03-01'} | ${'2027-03-01'}
    ${'2023-12-31'} | ${'2026-01-01'} | ${'2027-01-01'}
    ${'2022-02-28'} | ${'2024-02-29'} | ${'2025-03-01'}
  `('reports the thresholds of a grant on $grantedOn: P-2Y from $twoYearsFrom, P-3Y from $threeYearsFrom', ({ grantedOn, twoYearsFrom, threeYearsFrom }) => {
    const result = evaluateIdleRule(facts({ ipRights: [valid(grantedOn)] }), d('2024-01-01'));
    expect(iso(result.twoYearsFrom)).toBe(twoYearsFrom);
    expect(iso(result.threeYearsFrom)).toBe(threeYearsFrom);
  });

  it.each`
    on              | reason
    ${'2025-05-11'} | ${'idle 2 full years since 2023-05-10 (P-2Y)'}
    ${'2026-05-11'} | ${'idle 3 full years since 2023-05-10 (P-3Y)'}
    ${'2028-05-11'} | ${'idle 5 full years since 2023-05-10 (P-3Y)'}
    ${'2025-05-10'} | ${'IP granted 2023-05-10: not yet 2 full years (P-2Y applies from 2025-05-11)'}
  `('explains the state on $on as "$reason"', ({ on, reason }) => {
    expect(evaluateIdleRule(facts(), d(on)).reason).toBe(reason);
  });
});

describe('evaluateIdleRule: which IP right counts (the earliest valid grant)', () => {
  it.each`
    ipRights                                                               | on              | state                      | earliest        | behaviour
    ${[valid('2024-01-01'), valid('2023-05-10'), valid('2025-01-01')]}     | ${'2025-05-11'} | ${'use_first'}             | ${'2023-05-10'} | ${'counts from the earliest of several valid rights'}
    ${[valid('2025-01-01'), valid('2024-01-01'), valid('2023-05-10')]}     | ${'2025-05-10'} | ${'clear'}                 | ${'2023-05-10'} | ${'does not depend on the order of the rights'}
    ${[valid('2022-05-10'), valid('2023-05-10')]}                          | ${'2025-05-11'} | ${'free_license_eligible'} | ${'2022-05-10'} | ${'lets the earliest valid right reach 3 years while a later one has 2'}
    ${[right('lapsed', '2020-01-01'), valid('2023-05-10')]}                | ${'2025-05-11'} | ${'use_first'}             | ${'2023-05-10'} | ${'ignores a lapsed right even when it is the earliest'}
    ${[right('lapsed', '2020-01-01'), valid('2023-05-10')]}                | ${'2025-05-10'} | ${'clear'}                 | ${'2023-05-10'} | ${'does not let a lapsed earlier right make the achievement idle'}
    ${[right('invalidated', '2020-01-01'), valid('2024-06-01')]}           | ${'2025-05-11'} | ${'clear'}                 | ${'2024-06-01'} | ${'ignores an invalidated right even when it is the earliest'}
    ${[valid(null), valid('2023-05-10')]}                                  | ${'2025-05-11'} | ${'use_first'}             | ${'2023-05-10'} | ${'ignores a right without a grant date'}
    ${[right('lapsed', '2020-01-01'), right('invalidated', '2021-01-01')]} | ${'2025-05-11'} | ${'clear'}                 | ${null}         | ${'is clear when no right is valid'}
    ${[valid(null)]}                                                       | ${'2025-05-11'} | ${'clear'}                 | ${null}         | ${'is clear when the only valid right has no grant date yet'}
    ${[]}                                                                  | ${'2025-05-11'} | ${'clear'}                 | ${null}         | ${'is clear without any IP right'}
  `('$behaviour', ({ ipRights, on, state, earliest }) => {
    const result = evaluateIdleRule(facts({ ipRights }), d(on));
    expect(result.state).toBe(state);
    expect(iso(result.earliestGrantedOn)).toBe(earliest);
    if (earliest === null) {
      expect(result).toMatchObject({ clause: null, twoYearsFrom: null, threeYearsFrom: null, reason: 'no valid IP right with a grant date' });
    }
  });
});

describe('evaluateIdleRule: which achievements are subject (applied and registered only)', () => {
  it.each`
    kind         | registrationStatus | state                      | clause    | reason                     | behaviour
    ${'applied'} | ${'registered'}    | ${'free_license_eligible'} | ${'P-3Y'} | ${'(P-3Y)'}                | ${'subjects a registered applied achievement'}
    ${'basic'}   | ${'registered'}    | ${'clear'}                 | ${null}   | ${'basic research'}        | ${'never subjects a basic research achievement'}
    ${'applied'} | ${'draft'}         | ${'clear'}                 | ${null}   | ${'draft, not registered'} | ${'does not subject a draft'}
    ${'applied'} | ${'withdrawn'}     | ${'clear'}                 | ${null}   | ${'withdrawn'}             | ${'does not subject a withdrawn registration'}
    ${'basic'}   | ${'draft'}         | ${'clear'}                 | ${null}   | ${'basic research'}        | ${'does not subject a basic draft'}
  `('$behaviour', ({ kind, registrationStatus, state, clause, reason }) => {
    const result = evaluateIdleRule(facts({ kind, registrationStatus }), d('2027-01-01'));
    expect(result).toMatchObject({ state, clause });
    expect(result.reason).toContain(reason);
    expect(iso(result.earliestGrantedOn)).toBe('2023-05-10'); // the IP facts are still reported
  });
});

describe('evaluateIdleRule: transformation ends idleness', () => {
  // Granted 2023-05-10; on 2026-06-01 an idle achievement is P-3Y.
  it.each`
    transformations                                                                          | state                      | behaviour
    ${[]}                                                                                    | ${'free_license_eligible'} | ${'is idle without any transformation'}
    ${[transformation('effective', '2024-01-01')]}                                           | ${'clear'}                 | ${'is clear after a transformation took effect before the date'}
    ${[transformation('effective', '2026-06-01')]}                                           | ${'clear'}                 | ${'is clear when the transformation takes effect on the date itself'}
    ${[transformation('effective', '2022-12-01')]}                                           | ${'clear'}                 | ${'is clear when the transformation took effect before the grant'}
    ${[transformation('effective', '2026-06-02')]}                                           | ${'free_license_eligible'} | ${'is still idle when the transformation takes effect only after the date'}
    ${[transformation('pending', '2024-01-01')]}                                             | ${'free_license_eligible'} | ${'is still idle with a pending transformation'}
    ${[transformation('rejected', '2024-01-01')]}                                            | ${'free_license_eligible'} | ${'is still idle with a rejected transformation'}
    ${[transformation('effective', null)]}                                                   | ${'free_license_eligible'} | ${'does not count an effective transformation without an effective date'}
    ${[transformation('rejected', '2024-01-01'), transformation('effective', '2025-01-01')]} | ${'clear'}                 | ${'is clear when any one transformation took effect'}
  `('$behaviour', ({ transformations, state }) => {
    const result = evaluateIdleRule(facts({ transformations }), d('2026-06-01'));
    expect(result.state).toBe(state);
    if (state === 'clear') {
      expect(result.clause).toBeNull();
      expect(result.reason).toMatch(/^transformed: a transformation took effect on \d{4}-\d{2}-\d{2}$/);
    }
  });

  it('names the earliest transformation that took effect', () => {
    const transformations = [transformation('effective', '2025-03-01'), transformation('effective', '2024-02-01')];
    expect(evaluateIdleRule(facts({ transformations }), d('2026-06-01')).reason).toBe('transformed: a transformation took effect on 2024-02-01');
  });
});

describe('evaluateIdleRule: an approved justification suspends', () => {
  it.each`
    on              | justifications                                                                        | state                      | clause    | behaviour
    ${'2025-06-01'} | ${[justification('approved', '2025-12-31')]}                                          | ${'suspended'}             | ${'P-2Y'} | ${'suspends P-2Y while an approved justification runs'}
    ${'2025-06-01'} | ${[justification('approved', '2025-06-01')]}                                          | ${'suspended'}             | ${'P-2Y'} | ${'still suspends on the justification’s last day (endsOn = on)'}
    ${'2025-06-01'} | ${[justification('approved', '2025-05-31')]}                                          | ${'use_first'}             | ${'P-2Y'} | ${'no longer suspends the day after it ended (endsOn = on − 1)'}
    ${'2025-06-01'} | ${[justification('pending', '2030-01-01')]}                                           | ${'use_first'}             | ${'P-2Y'} | ${'does not suspend with a justification still under review'}
    ${'2025-06-01'} | ${[justification('rejected', '2030-01-01')]}                                          | ${'use_first'}             | ${'P-2Y'} | ${'does not suspend with a rejected justification'}
    ${'2026-06-01'} | ${[justification('approved', '2026-12-31')]}                                          | ${'suspended'}             | ${'P-3Y'} | ${'suspends P-3Y and keeps its clause'}
    ${'2026-06-01'} | ${[justification('approved', '2026-05-31')]}                                          | ${'free_license_eligible'} | ${'P-3Y'} | ${'no longer suspends P-3Y after the justification ended'}
    ${'2025-06-01'} | ${[justification('approved', '2025-01-01'), justification('approved', '2025-09-30')]} | ${'suspended'}             | ${'P-2Y'} | ${'suspends when any one approved justification still runs'}
    ${'2025-06-01'} | ${[justification('rejected', '2030-01-01'), justification('approved', '2025-05-31')]} | ${'use_first'}             | ${'P-2Y'} | ${'does not combine a rejected and an expired justification into a suspension'}
    ${'2024-06-01'} | ${[justification('approved', '2030-01-01')]}                                          | ${'clear'}                 | ${null}   | ${'stays clear, not suspended, when the achievement is not yet 2 years old'}
    ${'2025-06-01'} | ${[{ ...justification('approved', '2025-12-31'), startsOn: d('2025-06-02') }]}        | ${'use_first'}             | ${'P-2Y'} | ${'does not suspend before a recorded period starts'}
    ${'2025-06-01'} | ${[{ ...justification('approved', '2025-12-31'), startsOn: d('2025-06-01') }]}        | ${'suspended'}             | ${'P-2Y'} | ${'suspends from the first day of a recorded period'}
  `('$behaviour (on $on)', ({ on, justifications, state, clause }) => {
    expect(evaluateIdleRule(facts({ justifications }), d(on))).toMatchObject({ state, clause });
  });

  it.each`
    overrides                                                           | behaviour
    ${{ transformations: [transformation('effective', '2024-01-01')] }} | ${'stays clear, not suspended, when the achievement was transformed'}
    ${{ kind: 'basic' }}                                                | ${'stays clear, not suspended, for a basic achievement'}
    ${{ registrationStatus: 'withdrawn' }}                              | ${'stays clear, not suspended, for a withdrawn registration'}
    ${{ ipRights: [right('lapsed', '2020-01-01')] }}                    | ${'stays clear, not suspended, without a valid right'}
  `('$behaviour', ({ overrides }) => {
    const justifications = [justification('approved', '2030-01-01')];
    expect(evaluateIdleRule(facts({ ...overrides, justifications }), d('2026-06-01'))).toMatchObject({ state: 'clear', clause: null });
  });

  it('explains a suspension with the idle period and the latest end of an approved justification', () => {
    const justifications = [justification('approved', '2025-09-30'), justification('approved', '2026-03-31')];
    expect(evaluateIdleRule(facts({ justifications }), d('2025-06-01')).reason).toBe(
      'idle 2 full years since 2023-05-10 (P-2Y), suspended by a justification approved until 2026-03-31',
    );
  });
});

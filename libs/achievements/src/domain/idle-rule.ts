import { fullYearsElapsed, fullYearsReachedOn, type LocalDate } from '@zjp/core';

/*
 * P-2Y / P-3Y: an application-type achievement whose IP has been held for a full 2 years
 * (满2年) without transformation and without a justified reason (正当理由) goes on the
 * use-first-pay-later list; after a full 3 years it may be licensed free of charge.
 * Years are counted per the Civil Code (start day not counted; see @zjp/core civil-period).
 */

export interface IpRightFacts {
  grantedOn: LocalDate | null;
  status: 'valid' | 'lapsed' | 'invalidated';
}

export interface TransformationFacts {
  status: 'pending' | 'effective' | 'rejected';
  tookEffectOn: LocalDate | null;
}

export interface JustificationFacts {
  status: 'pending' | 'approved' | 'rejected';
  /** First day on which it holds (recorded history); absent: from its submission, so already on any day evaluated. */
  startsOn?: LocalDate | null;
  /** Last day on which the justification holds (inclusive). */
  endsOn: LocalDate;
}

export interface AchievementFacts {
  kind: 'applied' | 'basic';
  registrationStatus: 'draft' | 'registered' | 'withdrawn';
  ipRights: readonly IpRightFacts[];
  transformations: readonly TransformationFacts[];
  justifications: readonly JustificationFacts[];
}

export type RuleState = 'clear' | 'use_first' | 'free_license_eligible' | 'suspended';
export type IdleRuleClause = 'P-2Y' | 'P-3Y';

export interface IdleRuleEvaluation {
  state: RuleState;
  /** The clause that applies, or would apply but for a justification (state 'suspended'). */
  clause: IdleRuleClause | null;
  /** Earliest grant among the valid IP rights; reported whenever there is one, subject or not. */
  earliestGrantedOn: LocalDate | null;
  /** First day on which 满2年 holds (P-2Y), from earliestGrantedOn. */
  twoYearsFrom: LocalDate | null;
  /** First day on which 满3年 holds (P-3Y), from earliestGrantedOn. */
  threeYearsFrom: LocalDate | null;
  reason: string;
}

function earliest(dates: readonly LocalDate[]): LocalDate | null {
  return dates.reduce<LocalDate | null>((min, date) => (min === null || date.isBefore(min) ? date : min), null);
}

function latest(dates: readonly LocalDate[]): LocalDate | null {
  return dates.reduce<LocalDate | null>((max, date) => (max === null || date.isAfter(max) ? date : max), null);
}

/** Evaluates P-2Y / P-3Y for an achievement on the given business date. */
export function evaluateIdleRule(facts: AchievementFacts, on: LocalDate): IdleRuleEvaluation {
  // IP age counts from the earliest grant still in force: a lapsed or invalidated right no longer
  // holds IP, and a right without a grant date (an application) has not been obtained yet.
  const earliestGrantedOn = earliest(facts.ipRights.flatMap((right) => (right.status === 'valid' && right.grantedOn !== null ? [right.grantedOn] : [])));
  const twoYearsFrom = earliestGrantedOn && fullYearsReachedOn(earliestGrantedOn, 2);
  const threeYearsFrom = earliestGrantedOn && fullYearsReachedOn(earliestGrantedOn, 3);
  const clear = (reason: string): IdleRuleEvaluation => ({
    state: 'clear',
    clause: null,
    earliestGrantedOn,
    twoYearsFrom,
    threeYearsFrom,
    reason,
  });

  if (facts.kind !== 'applied') return clear('basic research achievement: P-2Y/P-3Y apply to applied achievements only');
  if (facts.registrationStatus !== 'registered') {
    return clear(`achievement is ${facts.registrationStatus}, not registered: P-2Y/P-3Y apply to registered achievements only`);
  }
  if (earliestGrantedOn === null || twoYearsFrom === null || threeYearsFrom === null) {
    return clear('no valid IP right with a grant date');
  }

  const transformedOn = earliest(
    facts.transformations.flatMap((t) => (t.status === 'effective' && t.tookEffectOn !== null && !t.tookEffectOn.isAfter(on) ? [t.tookEffectOn] : [])),
  );
  if (transformedOn !== null) return clear(`transformed: a transformation took effect on ${transformedOn.toString()}`);

  const clause: IdleRuleClause | null = !on.isBefore(threeYearsFrom) ? 'P-3Y' : !on.isBefore(twoYearsFrom) ? 'P-2Y' : null;
  if (clause === null) {
    return clear(`IP granted ${earliestGrantedOn.toString()}: not yet 2 full years (P-2Y applies from ${twoYearsFrom.toString()})`);
  }

  const years = fullYearsElapsed(earliestGrantedOn, on);
  const idle = `idle ${years} full years since ${earliestGrantedOn.toString()} (${clause})`;
  const justifiedUntil = latest(
    facts.justifications.flatMap((j) => (j.status === 'approved' && !j.endsOn.isBefore(on) && !(j.startsOn?.isAfter(on) ?? false) ? [j.endsOn] : [])),
  );
  const result = { clause, earliestGrantedOn, twoYearsFrom, threeYearsFrom };
  if (justifiedUntil !== null) {
    return { ...result, state: 'suspended', reason: `${idle}, suspended by a justification approved until ${justifiedUntil.toString()}` };
  }
  return { ...result, state: clause === 'P-3Y' ? 'free_license_eligible' : 'use_first', reason: idle };
}

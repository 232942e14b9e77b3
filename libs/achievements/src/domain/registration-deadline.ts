import type { LocalDate } from '@zjp/core';

export type RegistrationTimeliness = 'on_time' | 'late' | 'pending' | 'overdue_unregistered';

/** Days within which an achievement must be registered after it is obtained (P-REG: 三十日内). */
export const REGISTRATION_PERIOD_DAYS = 30;

/**
 * P-REG: "在取得成果后三十日内" — register within 30 days of obtaining the achievement.
 *
 * Our reading: a period counted in days does not count its start day (PRC Civil Code art. 201:
 * "开始的当日不计入，自下一日开始计算"), so day 1 is the day after obtainedOn and day 30, the
 * last day, is obtainedOn + 30. Art. 203 para. 2 makes that whole last day count (until 24:00),
 * so a registration dated on the deadline is on time.
 *
 * Art. 203 para. 1 (a last day on a statutory holiday moves to the day after the holiday) is not
 * applied: there is no holiday calendar in the platform, and registration is an online act that
 * holidays do not prevent. If the lead wants it, it belongs here, with a calendar as an argument.
 */
export function registrationDeadline(obtainedOn: LocalDate): LocalDate {
  return obtainedOn.plusDays(REGISTRATION_PERIOD_DAYS);
}

/**
 * Where an achievement stands against the P-REG deadline on `today`:
 * registered on or before the deadline → on_time; registered after it → late;
 * not registered and the deadline not yet passed → pending; not registered after it → overdue_unregistered.
 */
export function registrationStatus(obtainedOn: LocalDate, registeredOn: LocalDate | null, today: LocalDate): RegistrationTimeliness {
  const deadline = registrationDeadline(obtainedOn);
  if (registeredOn !== null) return registeredOn.isAfter(deadline) ? 'late' : 'on_time';
  return today.isAfter(deadline) ? 'overdue_unregistered' : 'pending';
}

import { LocalDate, shanghaiDate, startOfShanghaiDay } from '@zjp/core';

/** Monday to Friday. Public holidays and make-up working days are not modelled (no calendar yet). */
export function isWorkingDay(date: LocalDate): boolean {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * 挂牌公示期: a notice of N working days runs from the day after the listing (the start day is not
 * counted, as in the Civil Code) and ends at the end of its last working day, Asia/Shanghai time.
 * Returns the instant the notice ends (midnight starting the next day).
 */
export function noticeEndsAt(listedAt: Date, workingDays: number): Date {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError('workingDays must be a positive integer');
  let day = shanghaiDate(listedAt);
  let counted = 0;
  while (counted < workingDays) {
    day = day.plusDays(1);
    if (isWorkingDay(day)) counted++;
  }
  return startOfShanghaiDay(day.plusDays(1));
}

import { LocalDate } from '@zjp/core';
import { REGISTRATION_PERIOD_DAYS, registrationDeadline, registrationStatus } from './registration-deadline';

const d = LocalDate.parse;

describe('registrationDeadline (P-REG: 30 days, start day not counted)', () => {
  it.each`
    obtainedOn      | deadline        | behaviour
    ${'2024-05-10'} | ${'2024-06-09'} | ${'ends on the 30th day after an ordinary date'}
    ${'2024-01-01'} | ${'2024-01-31'} | ${'ends within the same 31-day month'}
    ${'2024-04-30'} | ${'2024-05-30'} | ${'ends on the 30th of the next month from the end of a 30-day month'}
    ${'2023-01-31'} | ${'2023-03-02'} | ${'runs across a 28-day February (not "one month", which would end 2023-02-28)'}
    ${'2024-01-31'} | ${'2024-03-01'} | ${'runs across a 29-day February in a leap year'}
    ${'2024-02-28'} | ${'2024-03-29'} | ${'counts 29 February as day 1 in a leap year'}
    ${'2024-02-29'} | ${'2024-03-30'} | ${'starts counting on 1 March after a leap-day grant'}
    ${'2023-02-28'} | ${'2023-03-30'} | ${'starts counting on 1 March after 28 February in a common year'}
    ${'2023-12-15'} | ${'2024-01-14'} | ${'runs across the year end'}
    ${'2023-12-31'} | ${'2024-01-30'} | ${'starts counting on 1 January after a year-end date'}
  `('$behaviour: $obtainedOn → $deadline', ({ obtainedOn, deadline }) => {
    expect(registrationDeadline(d(obtainedOn)).toString()).toBe(deadline);
  });

  it.each([['2024-05-10'], ['2023-01-31'], ['2024-02-29'], ['2023-12-31']])(
    'makes the deadline day 30 when counting starts the day after %s (Civil Code art. 201)',
    (obtainedOn) => {
      let day = d(obtainedOn);
      for (let counted = 1; counted <= REGISTRATION_PERIOD_DAYS; counted += 1) day = day.plusDays(1);
      expect(registrationDeadline(d(obtainedOn)).equals(day)).toBe(true);
    },
  );
});

describe('registrationStatus (P-REG)', () => {
  it.each`
    obtainedOn      | registeredOn    | today           | status                    | behaviour
    ${'2024-05-10'} | ${'2024-05-10'} | ${'2024-07-01'} | ${'on_time'}              | ${'is on time when registered on the day obtained'}
    ${'2024-05-10'} | ${'2024-05-20'} | ${'2024-05-20'} | ${'on_time'}              | ${'is on time when registered well before the deadline'}
    ${'2024-05-10'} | ${'2024-06-09'} | ${'2024-06-09'} | ${'on_time'}              | ${'is on time when registered on the deadline day'}
    ${'2024-05-10'} | ${'2024-06-10'} | ${'2024-06-10'} | ${'late'}                 | ${'is late when registered the day after the deadline'}
    ${'2024-05-10'} | ${'2025-01-01'} | ${'2025-01-01'} | ${'late'}                 | ${'is late when registered months after'}
    ${'2024-05-10'} | ${'2024-06-09'} | ${'2030-01-01'} | ${'on_time'}              | ${'stays on time long after a timely registration'}
    ${'2024-05-10'} | ${null}         | ${'2024-05-10'} | ${'pending'}              | ${'is pending on the day obtained'}
    ${'2024-05-10'} | ${null}         | ${'2024-06-08'} | ${'pending'}              | ${'is pending the day before the deadline'}
    ${'2024-05-10'} | ${null}         | ${'2024-06-09'} | ${'pending'}              | ${'is still pending on the deadline day'}
    ${'2024-05-10'} | ${null}         | ${'2024-06-10'} | ${'overdue_unregistered'} | ${'is overdue the day after the deadline'}
    ${'2024-05-10'} | ${null}         | ${'2026-05-10'} | ${'overdue_unregistered'} | ${'stays overdue while unregistered'}
    ${'2023-01-31'} | ${'2023-03-02'} | ${'2023-03-02'} | ${'on_time'}              | ${'is on time on the deadline after a common-year February'}
    ${'2023-01-31'} | ${'2023-03-03'} | ${'2023-03-03'} | ${'late'}                 | ${'is late the day after the deadline after a common-year February'}
    ${'2023-01-31'} | ${null}         | ${'2023-03-02'} | ${'pending'}              | ${'is pending on a deadline that follows a common-year February'}
    ${'2023-01-31'} | ${null}         | ${'2023-03-03'} | ${'overdue_unregistered'} | ${'is overdue the day after a deadline that follows a common-year February'}
    ${'2024-01-31'} | ${'2024-02-29'} | ${'2024-02-29'} | ${'on_time'}              | ${'is on time when registered on a leap day'}
    ${'2024-01-31'} | ${'2024-03-01'} | ${'2024-03-01'} | ${'on_time'}              | ${'is on time on a deadline that follows a leap-year February'}
    ${'2024-01-31'} | ${'2024-03-02'} | ${'2024-03-02'} | ${'late'}                 | ${'is late the day after a deadline that follows a leap-year February'}
    ${'2024-01-31'} | ${null}         | ${'2024-03-01'} | ${'pending'}              | ${'is pending on a deadline that follows a leap-year February'}
    ${'2024-01-31'} | ${null}         | ${'2024-03-02'} | ${'overdue_unregistered'} | ${'is overdue the day after a deadline that follows a leap-year February'}
    ${'2024-02-29'} | ${'2024-03-30'} | ${'2024-03-30'} | ${'on_time'}              | ${'is on time on the deadline of a leap-day achievement'}
    ${'2024-02-29'} | ${null}         | ${'2024-03-31'} | ${'overdue_unregistered'} | ${'is overdue the day after the deadline of a leap-day achievement'}
    ${'2023-12-31'} | ${'2024-01-30'} | ${'2024-01-30'} | ${'on_time'}              | ${'is on time on the deadline of a year-end achievement'}
    ${'2023-12-31'} | ${'2024-01-31'} | ${'2024-01-31'} | ${'late'}                 | ${'is late the day after the deadline of a year-end achievement'}
    ${'2023-12-31'} | ${null}         | ${'2024-01-30'} | ${'pending'}              | ${'is pending on the deadline of a year-end achievement'}
    ${'2023-12-31'} | ${null}         | ${'2024-01-31'} | ${'overdue_unregistered'} | ${'is overdue the day after the deadline of a year-end achievement'}
  `('$behaviour ($obtainedOn, registered $registeredOn, today $today → $status)', ({ obtainedOn, registeredOn, today, status }) => {
    expect(registrationStatus(d(obtainedOn), registeredOn === null ? null : d(registeredOn), d(today))).toBe(status);
  });
});

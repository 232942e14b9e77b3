import { DataSource } from 'typeorm';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { insertAchievement } from '../support/registry-factory';

/** The official working-day calendar: notice periods count by it, administrators load the next year's schedule. */
describe('working-day calendar (法定节假日与调休) through the API', () => {
  let api: TestApi;
  let users: RoleUsers;
  let clock: TravelClock;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });

  const list = async (at: string, noticeDays: number) => {
    clock.travelTo(at);
    const achievementId = await insertAchievement(api.app.get(DataSource), users.holder_admin.organizationId);
    const res = await api.http
      .post('/listings')
      .set(as('holder_admin'))
      .send({ achievementId, mode: 'fixed_price', dealType: 'transfer', priceFen: '50000000', noticeDays });
    expect(res.status).toBe(201);
    return res.body as { id: string; noticeEndsAt: string; noticeProvisional: boolean; provisionalYears: number[] };
  };

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api); // tokens are signed at the real time, before any travel
    clock = api.app.get(CLOCK);
  });
  afterAll(() => api.close());
  afterEach(() => clock.reset());

  it('publishes the loaded years, seeded from the State Council schedules, and reports the years missing', async () => {
    clock.travelTo('2026-12-05T02:00:00Z');
    const res = await api.http.get('/calendar/years');
    expect(res.status).toBe(200);
    const y2026 = res.body.years.find((y: { year: number }) => y.year === 2026);
    expect(y2026).toMatchObject({ year: 2026, holidays: 33, workdays: 6, loadedBy: null });
    expect(y2026.source).toMatch(/^chinese-days 1\.5\.7/);
    expect(res.body.missingYears).toEqual([2027]);
    const days = await api.http.get('/calendar/years/2026');
    expect(days.body.days).toEqual(
      expect.arrayContaining([
        { date: '2026-10-10', kind: 'workday', name: '国庆节' },
        { date: '2026-02-17', kind: 'holiday', name: '春节' },
      ]),
    );
    expect((await api.http.get('/calendar/years/2099')).body.code).toBe('CALENDAR_YEAR_NOT_LOADED');
  });

  it('counts a notice through the 2025 National Day holidays and the make-up Sunday and Saturday', async () => {
    // Friday 26 Sep 2025: Sun 28 and Sat 11 Oct are working days, 1–8 Oct are not: the 10th working day is Thu 16 Oct.
    const listing = await list('2025-09-26T02:00:00Z', 10);
    expect(listing.noticeEndsAt).toBe('2025-10-16T16:00:00.000Z');
    expect(listing.noticeProvisional).toBe(false);
  });

  it('counts a notice through the 2026 Spring Festival week', async () => {
    const listing = await list('2026-02-13T02:00:00Z', 2); // Sat 14 Feb (made up), then Tue 24 Feb
    expect(listing.noticeEndsAt).toBe('2026-02-24T16:00:00.000Z');
  });

  it('marks a notice reaching a year with no schedule as provisional and recounts it when the year is loaded', async () => {
    const listing = await list('2026-12-21T02:00:00Z', 10);
    expect(listing).toMatchObject({ noticeEndsAt: '2027-01-04T16:00:00.000Z', noticeProvisional: true, provisionalYears: [2027] });
    const loaded = await api.http
      .put('/calendar/years/2027')
      .set(as('platform_admin'))
      .send({ source: '国办发明电（测试）', days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    expect(loaded.status).toBe(200);
    expect(loaded.body).toEqual({ year: 2027, holidays: 1, workdays: 0, recountedListings: 1 });
    const [row] = (await api.app.get(DataSource).query(`SELECT notice_ends_at, notice_provisional FROM listings WHERE id = $1`, [listing.id])) as {
      notice_ends_at: Date;
      notice_provisional: boolean;
    }[];
    expect([row.notice_ends_at.toISOString(), row.notice_provisional]).toEqual(['2027-01-05T16:00:00.000Z', false]); // 1 Jan off: the 10th working day is Tue 5 Jan
    const years = await api.http.get('/calendar/years');
    expect(years.body.years.find((y: { year: number }) => y.year === 2027)).toMatchObject({ holidays: 1, loadedBy: expect.any(String) });
  });

  it('refuses a schedule with a make-up working day on a weekday, a day of another year or a day twice, and changes nothing', async () => {
    const before = await api.http.get('/calendar/years/2028');
    expect(before.status).toBe(404);
    const res = await api.http
      .put('/calendar/years/2028')
      .set(as('platform_admin'))
      .send({
        source: 'x',
        days: [
          { date: '2028-01-03', kind: 'workday', name: '元旦' }, // a Monday
          { date: '2027-12-31', kind: 'holiday', name: '元旦' },
          { date: '2028-10-02', kind: 'holiday', name: '国庆节' },
          { date: '2028-10-02', kind: 'holiday', name: '国庆节' },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string; code: string }) => [d.field, d.code])).toEqual([
      ['days[0].date', 'workdayOnWeekday'],
      ['days[1].date', 'otherYear'],
      ['days[3].date', 'duplicate'],
    ]);
    expect((await api.http.get('/calendar/years/2028')).status).toBe(404);
    const badYear = await api.http.put('/calendar/years/20x8').set(as('platform_admin')).send({ source: 'x', days: [] });
    expect([badYear.status, badYear.body.details?.[0]?.code]).toEqual([400, 'isYear']);
  });

  it('lets only the platform administrator load a schedule', async () => {
    const body = { source: 'x', days: [{ date: '2029-01-01', kind: 'holiday', name: '元旦' }] };
    for (const role of ['authority_admin', 'holder_admin', 'enterprise_admin'] as const) {
      expect((await api.http.put('/calendar/years/2029').set(as(role)).send(body)).status).toBe(403);
    }
    expect((await api.http.put('/calendar/years/2029').send(body)).status).toBe(401);
  });
});

import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { patentCheckChar } from '../../libs/achievements/src';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { DataSource } from 'typeorm';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

const patent = (digits: string) => `ZL${digits}.${patentCheckChar(digits)}`;

/**
 * The registry and the idle-IP rules through the API, with a real worker taking the scan job:
 * holder registers → the platform moves to a chosen day and scans it → forced listing in the
 * catalogue → an enterprise applies for a free licence at 3 years → the administrator approves.
 */
describe('achievement registry and P-2Y / P-3Y over HTTP', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let users: RoleUsers;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });

  /** Moves the running platform (API and worker) to a day, 12:00 Beijing time. */
  const travelTo = (date: string) => {
    for (const app of [api.app, worker]) app.get<TravelClock>(CLOCK).travelTo(`${date}T04:00:00Z`);
  };
  const awaitScan = async (jobId: string, role: keyof RoleUsers = 'platform_admin') => {
    for (let i = 0; i < 100; i++) {
      const status = await api.http.get(`/compliance/scans/${jobId}`).set(as(role));
      if (status.body.state === 'completed')
        return status.body.result as {
          changed: number;
          scanDate: string;
          preview?: boolean;
          counts?: Record<string, number>;
          achievements?: { achievementIds: string[]; toState: string }[];
        };
      if (status.body.state === 'failed') throw new Error(status.body.failedReason);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the scan did not finish');
  };
  /** The daily scan on `date`: the platform is moved to that day and scans today (a scan of another day would only preview). */
  const runScan = async (date: string) => {
    travelTo(date);
    const started = await api.http.post('/compliance/scans').set(as('platform_admin')).send({});
    expect([started.status, started.body.date, started.body.preview]).toEqual([202, date, false]);
    return awaitScan(started.body.jobId);
  };

  const register = (body: Record<string, unknown>, role: keyof RoleUsers = 'holder_admin') =>
    api.http
      .post('/achievements')
      .set(as(role))
      .send({
        title: '一种石墨烯复合材料的制备方法',
        abstract: '高导热石墨烯/聚合物复合材料',
        technicalField: 'new_materials',
        ipcClasses: ['C01B 32/184'],
        keywords: ['石墨烯', '导热'],
        kind: 'applied',
        publiclyFunded: true,
        obtainedOn: '2023-04-01',
        inventors: ['张三'],
        maturity: 'pilot',
        askingPriceFen: '150000000',
        ...body,
      });

  beforeAll(async () => {
    api = await startApi();
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(api.config, { schedule: false }), { logger: false, abortOnError: false });
    users = await usersOfEveryRole(api);
  });
  afterEach(() => {
    for (const app of [api.app, worker]) app.get<TravelClock>(CLOCK).reset();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('runs the whole P-2Y / P-3Y flow from registration to an approved free licence', async () => {
    const created = await register({ ipRights: [{ type: 'invention_patent', number: patent('202310123456'), grantedOn: '2023-05-10' }] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.registration).toMatchObject({ status: 'registered', deadline: '2023-05-01' });
    expect(created.body.ipRights[0].number).toBe(patent('202310123456'));

    // the day the 2-year period ends, nothing; the day after, the use-first list and a forced listing
    expect((await runScan('2025-05-10')).scanDate).toBe('2025-05-10');
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('clear');
    await runScan('2025-05-11');
    const listed = await api.http.get(`/achievements/${id}`);
    expect(listed.body).toMatchObject({ ruleState: 'use_first', onUseFirstList: true, ruleStateSince: '2025-05-11' });
    const listings = await api.http.get(`/listings?achievementId=${id}`);
    expect(listings.body.items).toEqual([
      expect.objectContaining({ forced: true, mode: 'fixed_price', priceFen: '150000000', status: 'active', ruleClause: 'P-2Y', lotId: null }),
    ]);
    expect(listings.body.total).toBe(1);
    const catalogue = await api.http.get('/catalogue').query({ q: '石墨烯', useFirst: 'true' });
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.items.map((i: { id: string }) => i.id)).toContain(id);
    // several words: all must match, each anywhere (title 石墨烯, keyword 导热); one missing word, no match
    const words = await api.http.get('/catalogue').query({ q: '石墨烯 导热' });
    expect(words.body.items.map((i: { id: string }) => i.id)).toContain(id);
    const missing = await api.http.get('/catalogue').query({ q: '石墨烯 钙钛矿' });
    expect(missing.body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    // the holder is told, and cannot withdraw the forced listing or the achievement
    const inbox = await api.http.get('/notifications').set(as('holder_member'));
    expect(inbox.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'rule.use_first', data: expect.objectContaining({ achievementIds: [id] }) })]),
    );
    const pull = await api.http.post(`/listings/${listings.body.items[0].id}/withdraw`).set(as('holder_admin')).send({ reason: '不想卖了' });
    expect(pull.status).toBe(403);
    expect(pull.body.code).toBe('FORCED_LISTING');

    // at 2 years an enterprise may not yet ask for a free licence
    const early = await api.http.post(`/achievements/${id}/free-license-applications`).set(as('enterprise_admin')).send({ statement: '申请无偿实施' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('NOT_FREE_LICENSE_ELIGIBLE');

    await runScan('2026-05-11');
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('free_license_eligible');
    const applied = await api.http.post(`/achievements/${id}/free-license-applications`).set(as('enterprise_admin')).send({ statement: '我司具备实施条件' });
    expect(applied.status).toBe(201);
    const again = await api.http.post(`/achievements/${id}/free-license-applications`).set(as('enterprise_admin')).send({ statement: '重复申请' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('FREE_LICENSE_ALREADY_APPLIED');

    const byHolder = await api.http.post(`/free-license-applications/${applied.body.id}/approve`).set(as('holder_admin')).send({ reason: '同意' });
    expect(byHolder.status).toBe(403);
    const approved = await api.http.post(`/free-license-applications/${applied.body.id}/approve`).set(as('platform_admin')).send({ reason: '符合P-3Y条件' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', enterpriseId: users.enterprise_admin.organizationId, achievementId: id });
    const twice = await api.http.post(`/free-license-applications/${applied.body.id}/approve`).set(as('platform_admin')).send({ reason: '再次' });
    expect(twice.status).toBe(409);
    const enterpriseInbox = await api.http.get('/notifications').set(as('enterprise_member'));
    expect(enterpriseInbox.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'free_license.approved' })]));
  });

  it('suspends the rule at once when an administrator approves a justification', async () => {
    const created = await register({
      title: '纠纷中的成果',
      ipRights: [{ type: 'invention_patent', number: patent('202010654321'), grantedOn: '2020-06-01' }],
    });
    const id = created.body.id as string;
    await runScan('2024-01-01');
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('free_license_eligible');

    const submitted = await api.http
      .post(`/achievements/${id}/justifications`)
      .set(as('holder_member'))
      .send({ category: 'litigation_or_dispute', explanation: '权属诉讼中', endsOn: '2099-12-31' });
    expect(submitted.status).toBe(201);
    const foreign = await api.http
      .post(`/achievements/${id}/justifications`)
      .set(as('enterprise_admin'))
      .send({ category: 'other', explanation: 'x', endsOn: '2099-12-31' });
    expect(foreign.status).toBe(403);
    const pending = await api.http.get('/justifications?status=pending').set(as('authority_admin'));
    expect(pending.body).toMatchObject({ limit: 20, offset: 0 });
    expect(pending.body.items.map((j: { id: string }) => j.id)).toContain(submitted.body.id);

    const approved = await api.http.post(`/justifications/${submitted.body.id}/approve`).set(as('authority_admin')).send({ reason: '诉讼材料齐全' });
    expect(approved.status).toBe(200);
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('suspended');
    const listings = await api.http.get(`/listings?achievementId=${id}`);
    expect(listings.body.items[0].status).toBe('suspended');
  });

  it('refuses a patent number with a wrong check digit, naming the field, and stores nothing', async () => {
    const digits = '202310123456';
    const wrong = `ZL${digits}.${(Number(patentCheckChar(digits) === 'X' ? 0 : patentCheckChar(digits)) + 1) % 10}`;
    const res = await register({ title: '校验位错误', ipRights: [{ type: 'invention_patent', number: wrong, grantedOn: '2023-01-01' }] });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'ipRights[0].number', code: 'patentCheckDigit' })]);
    const mine = await api.http.get('/achievements').set(as('holder_admin'));
    expect(mine.body.items.map((a: { title: string }) => a.title)).not.toContain('校验位错误');
  });

  it('refuses an IP right number already registered on the platform', async () => {
    const res = await register({ title: '重复专利', ipRights: [{ type: 'invention_patent', number: patent('202310123456'), grantedOn: '2023-05-10' }] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('IP_RIGHT_NUMBER_TAKEN');
  });

  it('refuses a utility-model number declared as an invention patent', async () => {
    const res = await register({ title: '类型不符', ipRights: [{ type: 'invention_patent', number: patent('202320999999'), grantedOn: '2023-05-10' }] });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ code: 'patentTypeMismatch' })]);
  });

  it('keeps publicly funded achievements in the registry and lets others be withdrawn', async () => {
    const funded = await register({ title: '财政资助成果', publiclyFunded: true });
    const refused = await api.http.post(`/achievements/${funded.body.id}/withdraw`).set(as('holder_admin')).send({ reason: '撤回' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PUBLICLY_FUNDED');
    const own = await register({ title: '自筹成果', publiclyFunded: false });
    const ok = await api.http.post(`/achievements/${own.body.id}/withdraw`).set(as('holder_admin')).send({ reason: '撤回' });
    expect(ok.status).toBe(200);
    expect(ok.body.registration.status).toBe('withdrawn');
  });

  it('reports P-REG timeliness: drafts past 30 days are overdue, late registrations are late', async () => {
    const draft = await register({ title: '未登记草稿', obtainedOn: '2020-01-01', submit: false });
    expect(draft.body.registration).toMatchObject({ status: 'draft', timeliness: 'overdue_unregistered', deadline: '2020-01-31' });
    const late = await api.http.post(`/achievements/${draft.body.id}/register`).set(as('holder_admin'));
    expect(late.body.registration.timeliness).toBe('late');
    const report = await api.http.get('/registry/holders').set(as('holder_admin'));
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      items: [expect.objectContaining({ holderId: users.holder_admin.organizationId, late: expect.any(Number) })],
      total: 1,
      limit: 20,
      offset: 0,
    });
    expect(report.body.items[0].late).toBeGreaterThanOrEqual(1);
    expect((await api.http.get('/registry/holders?sort=late&limit=5').set(as('platform_admin'))).body).toMatchObject({ limit: 5, offset: 0 });
    expect((await api.http.get('/registry/holders?sort=bogus').set(as('platform_admin'))).status).toBe(400);
  });

  it("keeps holders out of other holders' achievements and enterprises out of the registry", async () => {
    const created = await register({ title: '本单位成果' });
    const edit = await api.http.patch(`/achievements/${created.body.id}`).set(as('enterprise_admin')).send({ title: '篡改' });
    expect(edit.status).toBe(403);
    const registerAsEnterprise = await api.http.post('/achievements').set(as('enterprise_admin')).send({});
    expect(registerAsEnterprise.status).toBe(403);
  });

  it('never answers a finished scan as completed without its result, however fast it is polled', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    for (let i = 0; i < 15; i++) {
      const started = await api.http.post('/compliance/scans').set(as('platform_admin')).send({ date: today });
      for (;;) {
        const status = await api.http.get(`/compliance/scans/${started.body.jobId}`).set(as('platform_admin'));
        expect(status.status).toBe(200);
        if (status.body.state === 'completed') {
          expect(status.body.result).toEqual(expect.objectContaining({ scanDate: today }));
          break;
        }
        expect(status.body.result).toBeNull();
        if (status.body.state === 'failed') throw new Error(status.body.failedReason);
      }
    }
  });

  it('previews a scan for another day without changing the live state: no early eligibility, no rewritten past', async () => {
    travelTo('2026-12-05');
    const created = await register({ title: '预演用成果', ipRights: [{ type: 'invention_patent', number: patent('202410777777'), grantedOn: '2024-06-01' }] });
    const id = created.body.id as string;
    await runScan('2026-12-05');
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('use_first'); // 2 full years since 2024-06-01
    const listings = async () => (await api.http.get(`/listings?achievementId=${id}`)).body.items as { status: string }[];
    expect((await listings()).map((l) => l.status)).toEqual(['active']);

    // a future date: P-3Y would apply from 2027-06-02; the preview says so and nothing changes
    const future = await api.http.post('/compliance/scans').set(as('platform_admin')).send({ date: '2027-06-02' });
    expect([future.status, future.body.preview]).toEqual([202, true]);
    const ahead = await awaitScan(future.body.jobId);
    expect(ahead).toMatchObject({ preview: true, scanDate: '2027-06-02' });
    expect(ahead.counts?.eligible).toBeGreaterThanOrEqual(1);
    expect(ahead.achievements?.find((a) => a.toState === 'free_license_eligible')?.achievementIds).toContain(id);
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('use_first');
    // an authority previews it too (its province covers the holder); another's preview is not its to read
    const byAuthority = await api.http.post('/compliance/scans').set(as('authority_admin')).send({ date: '2027-06-02' });
    expect([byAuthority.status, byAuthority.body.preview]).toEqual([202, true]);
    const seen = await awaitScan(byAuthority.body.jobId, 'authority_admin');
    expect(seen.achievements?.find((a) => a.toState === 'free_license_eligible')?.achievementIds).toContain(id);
    expect((await api.http.get(`/compliance/scans/${future.body.jobId}`).set(as('authority_admin'))).status).toBe(404);
    const early = await api.http.post(`/achievements/${id}/free-license-applications`).set(as('enterprise_admin')).send({ statement: '申请无偿实施' });
    expect([early.status, early.body.code]).toEqual([409, 'NOT_FREE_LICENSE_ELIGIBLE']);

    // a past date, before the 2 years: the preview would release it; the live state and the listing stay
    const past = await api.http.post('/compliance/scans').set(as('platform_admin')).send({ date: '2026-01-01' });
    const behind = await awaitScan(past.body.jobId);
    expect(behind.preview).toBe(true);
    expect(behind.achievements?.find((a) => a.toState === 'clear')?.achievementIds).toContain(id);
    expect((await api.http.get(`/achievements/${id}`)).body.ruleState).toBe('use_first');
    expect((await listings()).map((l) => l.status)).toEqual(['active']);
    const written = await api.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM rule_events WHERE achievement_id = $1 AND scan_date IN ('2026-01-01', '2027-06-02')`, [id]);
    expect(written).toEqual([{ n: 0 }]);
  });

  it('refuses a scan date that is not a date', async () => {
    const res = await api.http.post('/compliance/scans').set(as('platform_admin')).send({ date: '2025-02-30' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'date' })]);
    const forbidden = await api.http.post('/compliance/scans').set(as('authority_admin')).send({});
    expect(forbidden.status).toBe(403);
  });
});

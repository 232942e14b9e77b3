// @expectedSeconds 30 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import request from 'supertest';
import { patentCheckChar } from '../../libs/achievements/src';
import { startStripeServer, type StripeServer } from '../stripe-server/stripe-server';
import { testEnv } from '../support/config';
import { runProcess, RunningProcess, startProcess } from '../support/processes';
import { createTestDatabase, queryDatabase, TestDatabase } from '../support/test-database';
import { type OpenApiDocument, responseMismatches } from '../support/response-schema';

/**
 * Contracts end to end, as in production: the built API and worker as OS processes, the local
 * Stripe-speaking server with signed webhooks. An auction on a use-first (P-2Y) achievement closes
 * in the worker, which drafts the contract; both parties sign, the operator registers it, the
 * enterprise pays by Stripe, and the achievement leaves the use-first list. Then a use-first
 * licence with its deferred fee, and a P-3Y free licence.
 */
describe('contracts end to end: from the hammer to a registered, paid contract', () => {
  let db: TestDatabase;
  let stripe: StripeServer;
  let api: RunningProcess & { url: string };
  let worker: RunningProcess;
  const tokens: Record<string, string> = {};
  const orgs: Record<string, string> = {};

  const as = (who: string) => ({
    get: (path: string) => request(api.url).get(path).set('Authorization', `Bearer ${tokens[who]}`),
    post: (path: string, body: object = {}) => request(api.url).post(path).set('Authorization', `Bearer ${tokens[who]}`).send(body),
  });
  const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Asia/Shanghai
  const yearsAgo = (years: number, days: number) => {
    const d = new Date(Date.now() + 8 * 3600_000);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString().slice(0, 10);
  };
  let patentSerial = 0;
  const achievement = async (title: string, grantedOn: string): Promise<string> => {
    const digits = `20201${String((Date.now() % 100_000) * 10 + ++patentSerial)
      .padStart(7, '0')
      .slice(-7)}`;
    const res = await as('holder').post('/achievements', {
      title,
      technicalField: 'new_materials',
      kind: 'applied',
      publiclyFunded: true,
      obtainedOn: grantedOn,
      ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn }],
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const scan = async () => {
    const started = await as('admin').post('/compliance/scans', { date: today() });
    expect(started.status).toBe(202);
    await until(
      async () => ((await as('admin').get(`/compliance/scans/${started.body.jobId}`)).body.state === 'completed' ? true : undefined),
      'the idle-IP scan',
    );
  };
  const ruleState = async (id: string) =>
    (await queryDatabase<{ rule_state: string }>(db.url, `SELECT rule_state FROM achievements WHERE id = $1`, [id]))[0].rule_state;

  beforeAll(async () => {
    db = await createTestDatabase();
    stripe = await startStripeServer({ port: 0, webhookSecret: 'whsec_e2e_contracts' });
    const env = testEnv(db.url, {
      LOG_LEVEL: 'warn',
      STRIPE_API_BASE: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_e2e_contracts',
      STRIPE_WEBHOOK_SECRET: 'whsec_e2e_contracts',
    });
    const started = await startProcess('apps/api/src/main.js', env, /api listening on (http:\/\/\S+)/);
    api = Object.assign(started, { url: started.match[1] });
    worker = await startProcess('apps/worker/src/main.js', env, /worker started/);
    stripe.setWebhookUrl(`${api.url}/payments/stripe/webhook`);
    await runProcess('apps/api/src/cli/create-admin.js', ['--email', 'admin@contracts.example', '--password', 'Admin-password-1'], env);
    const login = async (email: string, password: string) => (await request(api.url).post('/auth/login').send({ email, password })).body.accessToken as string;
    tokens.admin = await login('admin@contracts.example', 'Admin-password-1');
    const org = async (key: string, body: object) => (orgs[key] = (await as('admin').post('/organizations', body)).body.id as string);
    const user = async (orgKey: string, who: string, role: string) => {
      const email = `${who}@contracts.example`;
      expect(
        (await as('admin').post(`/organizations/${orgs[orgKey]}/users`, { email, displayName: who, password: 'Password-1234', roles: [role] })).status,
      ).toBe(201);
      tokens[who] = await login(email, 'Password-1234');
    };
    await org('holder', { type: 'holder', name: '合同测试大学', regionCode: '330106', holderCategory: 'university', highLevelPlatform: true });
    await org('enterprise', { type: 'enterprise', name: '绍兴柯桥合同测试纺织有限公司', regionCode: '330603', sme: true });
    await org('stranger', { type: 'enterprise', name: '无关企业', regionCode: '330106', sme: true });
    await user('holder', 'holder', 'holder_admin');
    await user('holder', 'holderMember', 'holder_member');
    await user('enterprise', 'enterprise', 'enterprise_admin');
    await user('stranger', 'stranger', 'enterprise_admin');
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await stripe?.close();
    await db?.drop();
  });

  it('auction close → contract → both sign → the operator registers → the enterprise pays by Stripe → actual value → the achievement leaves the use-first list', async () => {
    const achievementId = await achievement('一种纺织废水处理膜材料', yearsAgo(2, 30));
    await scan();
    expect(await ruleState(achievementId)).toBe('use_first'); // P-2Y

    const lot = await as('holder').post('/lots', {
      achievementId,
      dealType: 'license',
      licenseType: 'exclusive',
      startingPriceFen: '1000000',
      increment: { kind: 'fixed', amountFen: '10000' },
      depositFen: '100000',
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 20_000).toISOString(),
      extensionMinutes: 0, // room for the deposit and bid on a slow machine
    });
    expect(lot.status).toBe(201);
    expect((await as('enterprise').post(`/lots/${lot.body.id}/registrations`, { paymentMethod: 'pm_card_visa' })).status).toBe(201);
    await until(
      async () => ((await as('enterprise').get(`/lots/${lot.body.id}/registrations/mine`)).body.depositStatus === 'held' ? true : undefined),
      'the deposit held',
    );
    const bid = await as('enterprise').post(`/lots/${lot.body.id}/bids`, { amountFen: '1060000', idempotencyKey: 'e2e-contract-bid-1' });
    expect(bid.body).toMatchObject({ status: 'accepted' });

    // the worker closes the lot, the deal's job drafts the contract
    const listed = await until(async () => {
      const res = await as('enterprise').get('/contracts?role=buyer');
      return res.body.items.find((c: { achievementId: string }) => c.achievementId === achievementId) as { id: string } | undefined;
    }, 'the contract drafted from the deal');
    const id = listed.id;
    const draft = await as('holder').get(`/contracts/${id}`);
    expect(draft.body).toMatchObject({
      type: 'license',
      source: 'auction',
      status: 'draft',
      priceFen: '1060000',
      depositFen: '100000',
      money: { actualValueFen: '0', totalFeesFen: '1060000' },
    });
    expect((await as('stranger').get(`/contracts/${id}`)).status).toBe(404);

    expect((await as('holder').post(`/contracts/${id}/submission`, { version: 1 })).body.status).toBe('awaiting_signatures');
    const byMember = await as('holderMember').post(`/contracts/${id}/signatures`, { version: 1 });
    expect([byMember.status, byMember.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
    const byStranger = await as('stranger').post(`/contracts/${id}/signatures`, { version: 1 });
    expect([byStranger.status, byStranger.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
    expect((await as('enterprise').post(`/contracts/${id}/signatures`, { version: 1 })).body.status).toBe('awaiting_signatures');
    const signed = await as('holder').post(`/contracts/${id}/signatures`, { version: 1 });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', tookEffectOn: today(), money: { actualValueFen: '100000', outstandingFen: '960000' } }); // the deposit is applied
    const again = await as('holder').post(`/contracts/${id}/signatures`, { version: 1 });
    expect([again.status, again.body.code]).toEqual([409, 'CONTRACT_ALREADY_SIGNED']);

    const bad = await as('admin').post(`/contracts/${id}/registration`, { number: '登记号', registeredOn: 'tomorrow', registry: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['number', 'registeredOn', 'registry']);
    const notAdmin = await as('holder').post(`/contracts/${id}/registration`, {
      number: '2026330106000777',
      registeredOn: today(),
      registry: '杭州市技术合同登记处',
    });
    expect(notAdmin.status).toBe(403);
    const reg = await as('admin').post(`/contracts/${id}/registration`, {
      number: '2026330106000777',
      registeredOn: today(),
      registry: '杭州市技术合同登记处',
    });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ status: 'in_performance', registration: { number: '2026330106000777' } });
    // each step answers the contract exactly as the OpenAPI document describes it (the web app's client relies on it)
    const doc = (await request(api.url).get('/api/docs/openapi.json')).body as OpenApiDocument;
    for (const [path, body] of [
      ['/contracts/{id}/signatures', signed.body],
      ['/contracts/{id}/registration', reg.body],
    ] as const)
      expect({ path, problems: responseMismatches(doc, 'post', path, body) }).toEqual({ path, problems: [] });

    const pay = await as('enterprise').post(`/contracts/${id}/payments`, { paymentMethod: 'pm_card_visa', idempotencyKey: `e2e-pay-${id}` });
    expect([pay.status, pay.body.status, pay.body.amountFen]).toEqual([201, 'succeeded', '960000']);
    const paid = await as('enterprise').get(`/contracts/${id}`);
    expect(paid.body).toMatchObject({ status: 'completed', money: { actualValueFen: '1060000', outstandingFen: '0', settled: true } });

    // ContractTookEffect reached the registry: off the use-first list, the forced listing closed
    expect(await ruleState(achievementId)).toBe('clear');
    expect(await queryDatabase(db.url, `SELECT status FROM listings WHERE achievement_id = $1 AND forced`, [achievementId])).toEqual([{ status: 'closed' }]);
    const transformations = await as('holder').get(`/achievements/${achievementId}/transformations`);
    expect(transformations.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(transformations.body.items).toEqual([expect.objectContaining({ kind: 'license', licenseType: 'exclusive', source: 'contract', contractId: id })]);

    const pdf = await as('enterprise')
      .get(`/contracts/${id}/document?format=pdf&signed=true`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.headers['x-content-sha256']).toBe(paid.body.document.signedSha256);
    expect((await as('holder').get(`/contracts/${id}/document/verification`)).body).toMatchObject({ signed: true, documentIntact: true, termsIntact: true });
    expect((await as('holder').get(`/contracts/${id}/document`)).body).toMatchObject({ contractId: id, registration: { number: '2026330106000777' } });
    const payments = await as('holder').get(`/contracts/${id}/payments`);
    expect(payments.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect(payments.body.items.map((p: { provider: string; amountFen: string }) => [p.provider, p.amountFen])).toEqual([
      ['deposit', '100000'],
      ['stripe', '960000'],
    ]);
    expect((await as('enterprise').get(`/organizations/${orgs.enterprise}/balances`)).body.balances).toMatchObject({ cash: '-1060000', deposits_applied: '0' });
    expect((await as('stranger').get(`/organizations/${orgs.enterprise}/balances`)).status).toBe(403);
  });

  it('a use-first licence with an SME: the fee is deferred during the trial and falls due on conversion', async () => {
    const achievementId = await achievement('一种低成本印染助剂', yearsAgo(1, 0));
    const terms = {
      license: {
        licenseType: 'ordinary',
        startsOn: today(),
        endsOn: `${Number(today().slice(0, 4)) + 3}-12-31`,
        territory: '浙江省',
        fieldOfUse: '纺织印染',
        sublicensing: false,
      },
      useFirst: { trialMonths: 6 },
      fees: [{ kind: 'lump_sum', amountFen: '300000', dueDays: 30 }],
    };
    const invalid = await as('holder').post('/contracts', {
      type: 'use_first',
      achievementId,
      buyerId: orgs.enterprise,
      terms: { ...terms, fees: [{ kind: 'lump_sum', amountFen: '300000', dueOn: today() }] },
    });
    expect([invalid.status, invalid.body.details]).toEqual([400, [expect.objectContaining({ field: 'terms.fees[0].dueOn', code: 'deferredFee' })]]);
    const created = await as('holder').post('/contracts', { type: 'use_first', achievementId, buyerId: orgs.enterprise, terms });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await as('holder').post(`/contracts/${id}/submission`, { version: 1 });
    await as('holder').post(`/contracts/${id}/signatures`, { version: 1 });
    const signed = await as('enterprise').post(`/contracts/${id}/signatures`, { version: 1 });
    expect(signed.body).toMatchObject({ status: 'signed', useFirst: { convertedOn: null }, money: { feesDeferred: true, dueFen: '0' } });
    const early = await as('enterprise').post(`/contracts/${id}/payments`, { paymentMethod: 'pm_card_alipay', idempotencyKey: `e2e-early-${id}` });
    expect([early.status, early.body.code]).toEqual([409, 'FEES_DEFERRED']);
    const converted = await as('enterprise').post(`/contracts/${id}/conversion`, { decision: 'convert' });
    expect(converted.body).toMatchObject({
      useFirst: { convertedOn: today() },
      money: { feesDeferred: false, obligations: [{ key: 'lump_sum', status: 'not_yet_due' }] },
    });
    const pay = await as('enterprise').post(`/contracts/${id}/payments`, { paymentMethod: 'pm_card_alipay', idempotencyKey: `e2e-usefirst-${id}` });
    expect([pay.status, pay.body.status]).toEqual([201, 'succeeded']);
    const reg = await as('admin').post(`/contracts/${id}/registration`, {
      number: '2026330603000888',
      registeredOn: today(),
      registry: '绍兴市技术合同登记处',
    });
    expect(reg.body).toMatchObject({ status: 'completed', money: { actualValueFen: '300000' } });
  });

  it('P-3Y: an approved free-licence application becomes a zero-fee ordinary licence, signed and registered', async () => {
    const achievementId = await achievement('一种高强度再生纤维', yearsAgo(3, 30));
    await scan();
    expect(await ruleState(achievementId)).toBe('free_license_eligible');
    const applied = await as('enterprise').post(`/achievements/${achievementId}/free-license-applications`, { statement: '我司具备实施条件' });
    expect(applied.status).toBe(201);
    expect((await as('admin').post(`/free-license-applications/${applied.body.id}/approve`, { reason: '符合无偿实施条件' })).status).toBe(200);
    const contract = await as('enterprise').post(`/free-license-applications/${applied.body.id}/contract`);
    expect(contract.status).toBe(200);
    expect(contract.body).toMatchObject({
      type: 'free_license',
      source: 'free_license',
      terms: { license: { licenseType: 'ordinary' }, fees: [] },
      money: { totalFeesFen: '0' },
    });
    const id = contract.body.id as string;
    expect((await as('enterprise').post(`/free-license-applications/${applied.body.id}/contract`)).body.id).toBe(id);
    await as('enterprise').post(`/contracts/${id}/submission`, { version: 1 });
    await as('enterprise').post(`/contracts/${id}/signatures`, { version: 1 });
    expect((await as('holder').post(`/contracts/${id}/signatures`, { version: 1 })).body.status).toBe('signed');
    const reg = await as('admin').post(`/contracts/${id}/registration`, { number: '2026330106000999', registeredOn: today(), registry: '省技术市场' });
    expect(reg.body).toMatchObject({ status: 'in_performance', money: { actualValueFen: '0', settled: true } });
    const duplicate = await as('admin').post(`/contracts/${contract.body.id}/registration`, {
      number: '2026330106000999',
      registeredOn: today(),
      registry: '省技术市场',
    });
    expect([duplicate.status, duplicate.body.code]).toEqual([409, 'CONTRACT_ALREADY_REGISTERED']);
    expect(await ruleState(achievementId)).toBe('clear');
  });
});

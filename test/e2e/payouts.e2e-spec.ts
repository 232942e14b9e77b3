import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ContractPaymentsService } from '../../libs/payments/src';
import { ROLES, type Role } from '../../libs/platform/src';
import { createOrganization, createUser, login, startApi, TestApi, usersOfEveryRole, type RoleUsers } from '../support/api';

/**
 * Payouts to sellers through the API as production builds it: what buyers paid is held on the
 * seller's contract_proceeds account; a platform administrator pays it out by bank transfer and
 * records it, never more than is available, once per key and bank reference, even when several
 * administrators record at the same moment.
 */
describe('payouts to sellers: contract proceeds paid out by bank transfer', () => {
  let api: TestApi;
  let users: RoleUsers;
  let ds: DataSource;
  const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Asia/Shanghai
  const as = (role: Role) => ({
    get: (path: string) => api.http.get(path).set('Authorization', `Bearer ${users[role].token}`),
    post: (path: string, body: object) => api.http.post(path).set('Authorization', `Bearer ${users[role].token}`).send(body),
  });
  let serial = 0;
  const key = () => `payout-key-${++serial}-${Date.now()}`;
  const bankRef = () => `ICBC-OUT-${++serial}-${Date.now()}`;

  /** A buyer's bank transfer received for the seller, through the real payments service: the seller's proceeds grow. */
  const received = async (payeeOrganizationId: string, amountFen: bigint) =>
    api.app.get(ContractPaymentsService).recordBankTransfer(
      {
        organizationId: users.enterprise_admin.organizationId,
        payeeOrganizationId,
        referenceType: 'payout_fixture',
        referenceId: randomUUID(),
        amountFen,
        bankReference: `IN-${++serial}-${Date.now()}`,
        receivedOn: today(),
      },
      null,
    );
  const ledgerRows = async () => ((await ds.query(`SELECT count(*)::int AS n FROM ledger_entries`)) as { n: number }[])[0].n;
  const payoutRows = async () => ((await ds.query(`SELECT count(*)::int AS n FROM payouts`)) as { n: number }[])[0].n;

  /** A holder organisation of its own with an administrator, for tests that must not share balances. */
  const newSeller = async (name: string) => {
    const id = await createOrganization(api, {
      type: 'holder',
      name: `${name}-${Date.now()}`,
      regionCode: '330106',
      holderCategory: 'institute',
      highLevelPlatform: false,
    });
    const email = await createUser(api, id, ['holder_admin']);
    return { id, token: (await login(api, email)).accessToken };
  };

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    ds = api.app.get(DataSource);
  });
  afterAll(() => api?.close());

  it('pays out what the seller has, shows it to the seller, and refuses more than is available', async () => {
    const seller = users.holder_admin.organizationId;
    await received(seller, 1_060_000n);
    const before = await as('holder_admin').get(`/organizations/${seller}/payout-balance`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      organizationId: seller,
      proceedsFen: '1060000',
      pendingRefundsFen: '0',
      availableFen: '1060000',
      paidOutFen: '0',
    });
    expect((await as('holder_admin').get(`/organizations/${seller}/payouts`)).body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });

    const body = { organizationId: seller, amountFen: '1000000', bankReference: bankRef(), paidOn: today(), note: '合同价款结算', idempotencyKey: key() };
    const paid = await as('platform_admin').post('/payouts', body);
    expect(paid.status).toBe(201);
    expect(paid.body).toEqual({
      id: expect.any(String),
      organizationId: seller,
      amountFen: '1000000',
      bankReference: body.bankReference,
      paidOn: today(),
      note: '合同价款结算',
      createdAt: expect.any(String),
    });

    // the same request again (a lost answer retried): the same payout, nothing new
    const ledgerBefore = await ledgerRows();
    const replay = await as('platform_admin').post('/payouts', body);
    expect([replay.status, replay.body.id]).toEqual([200, paid.body.id]);
    expect(await ledgerRows()).toBe(ledgerBefore);
    // the key with another amount, or the bank reference with another key: refused
    const reused = await as('platform_admin').post('/payouts', { ...body, amountFen: '10000' });
    expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const sameTransfer = await as('platform_admin').post('/payouts', { ...body, amountFen: '10000', idempotencyKey: key() });
    expect([sameTransfer.status, sameTransfer.body.code]).toEqual([409, 'BANK_REFERENCE_USED']);

    const tooMuch = await as('platform_admin').post('/payouts', { ...body, amountFen: '60001', bankReference: bankRef(), idempotencyKey: key() });
    expect([tooMuch.status, tooMuch.body.code, tooMuch.body.details]).toEqual([
      409,
      'PAYOUT_EXCEEDS_AVAILABLE',
      expect.objectContaining({ availableFen: '60000' }),
    ]);

    const after = await as('holder_member').get(`/organizations/${seller}/payouts`);
    expect(after.body).toMatchObject({ total: 1, limit: 20, offset: 0, items: [expect.objectContaining({ id: paid.body.id, amountFen: '1000000' })] });
    expect((await as('holder_member').get(`/organizations/${seller}/payout-balance`)).body).toMatchObject({
      proceedsFen: '60000',
      availableFen: '60000',
      paidOutFen: '1000000',
    });
    const bad = await as('holder_member').get(`/organizations/${seller}/payouts`).query({ limit: 101, offset: -1 });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const balances = await as('holder_admin').get(`/organizations/${seller}/balances`);
    expect(balances.body.balances).toMatchObject({ contract_proceeds: '60000', paid_out: '1000000' });
    expect(await ds.query(`SELECT action FROM audit_log WHERE subject_type = 'payout' AND subject_id = $1`, [paid.body.id])).toEqual([
      { action: 'payout.recorded' },
    ]);
  });

  it('never pays the same money twice when administrators record at the same moment', async () => {
    const seller = await newSeller('并发结算研究院');
    await received(seller.id, 1_000_000n);
    // eight different transfers of 300,000 fen each against 1,000,000 available: three fit
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        as('platform_admin').post('/payouts', {
          organizationId: seller.id,
          amountFen: '300000',
          bankReference: bankRef(),
          paidOn: today(),
          idempotencyKey: key(),
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'PAYOUT_EXCEEDS_AVAILABLE')).toBe(true);
    // one request sent five times at once: one payout
    const once = { organizationId: seller.id, amountFen: '100000', bankReference: bankRef(), paidOn: today(), idempotencyKey: key() };
    const repeats = await Promise.all(Array.from({ length: 5 }, () => as('platform_admin').post('/payouts', once)));
    expect(repeats.every((r) => r.status === 201 || r.status === 200 || (r.status === 409 && r.body.code === 'PAYOUT_DUPLICATE'))).toBe(true);
    expect(repeats.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await ds.query(`SELECT count(*)::int AS n, sum(amount_fen)::text AS total FROM payouts WHERE organization_id = $1`, [seller.id])).toEqual([
      { n: 4, total: '1000000' },
    ]);
    const view = await api.http.get(`/organizations/${seller.id}/payouts`).set('Authorization', `Bearer ${seller.token}`);
    expect(view.body).toMatchObject({ total: 4 });
    const balance = await api.http.get(`/organizations/${seller.id}/payout-balance`).set('Authorization', `Bearer ${seller.token}`);
    expect(balance.body).toMatchObject({ proceedsFen: '0', availableFen: '0', paidOutFen: '1000000' });
    const over = await as('platform_admin').post('/payouts', {
      organizationId: seller.id,
      amountFen: '1',
      bankReference: bankRef(),
      paidOn: today(),
      idempotencyKey: key(),
    });
    expect([over.status, over.body.details?.availableFen]).toEqual([409, '0']);
  });

  it('keeps back what refunds in flight will take', async () => {
    const seller = await newSeller('退款在途研究院');
    const payment = await received(seller.id, 500_000n);
    // a refund asked of the provider and not answered yet (as a Stripe refund whose answer was lost)
    await ds.query(`INSERT INTO refunds (payment_id, amount_fen, reason, idempotency_key) VALUES ($1, 200000, '部分退款', 'refund-in-flight-1')`, [payment.id]);
    const view = await as('platform_admin').get(`/organizations/${seller.id}/payout-balance`);
    expect(view.body).toMatchObject({ proceedsFen: '500000', pendingRefundsFen: '200000', availableFen: '300000' });
    const refused = await as('platform_admin').post('/payouts', {
      organizationId: seller.id,
      amountFen: '300001',
      bankReference: bankRef(),
      paidOn: today(),
      idempotencyKey: key(),
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'PAYOUT_EXCEEDS_AVAILABLE']);
    const ok = await as('platform_admin').post('/payouts', {
      organizationId: seller.id,
      amountFen: '300000',
      bankReference: bankRef(),
      paidOn: today(),
      idempotencyKey: key(),
    });
    expect(ok.status).toBe(201);
  });

  it('refuses bad input with the offending fields, and changes nothing', async () => {
    const seller = users.holder_admin.organizationId;
    const [ledger, payouts] = [await ledgerRows(), await payoutRows()];
    const bad = await as('platform_admin').post('/payouts', {
      organizationId: 'nope',
      amountFen: '-5',
      bankReference: '',
      paidOn: '2026-02-30',
      idempotencyKey: 'short',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'amountFen',
      'bankReference',
      'idempotencyKey',
      'organizationId',
      'paidOn',
    ]);
    const zero = await as('platform_admin').post('/payouts', {
      organizationId: seller,
      amountFen: '0',
      bankReference: bankRef(),
      paidOn: today(),
      idempotencyKey: key(),
    });
    expect([zero.status, zero.body.details?.map((d: { field: string }) => d.field)]).toEqual([400, ['amountFen']]);
    const future = await as('platform_admin').post('/payouts', {
      organizationId: seller,
      amountFen: '1',
      bankReference: bankRef(),
      paidOn: '2999-01-01',
      idempotencyKey: key(),
    });
    expect([future.status, future.body.details?.map((d: { field: string }) => d.field)]).toEqual([400, ['paidOn']]);
    const unknown = await as('platform_admin').post('/payouts', {
      organizationId: randomUUID(),
      amountFen: '1',
      bankReference: bankRef(),
      paidOn: today(),
      idempotencyKey: key(),
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
    const badPage = await as('platform_admin').get(`/organizations/${seller}/payouts?limit=0&offset=x`);
    expect([badPage.status, [...new Set(badPage.body.details?.map((d: { field: string }) => d.field))].sort()]).toEqual([400, ['limit', 'offset']]);
    expect([await ledgerRows(), await payoutRows()]).toEqual([ledger, payouts]);
  });

  it('lets only platform administrators pay out, and sellers see only their own payouts', async () => {
    const seller = users.holder_admin.organizationId;
    const payouts = await payoutRows();
    for (const role of ROLES.filter((r) => r !== 'platform_admin')) {
      const res = await as(role).post('/payouts', { organizationId: seller, amountFen: '1', bankReference: bankRef(), paidOn: today(), idempotencyKey: key() });
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN_ROLE']);
    }
    expect(await payoutRows()).toBe(payouts);
    const noToken = await api.http.post('/payouts').send({});
    expect(noToken.status).toBe(401);

    for (const role of ['enterprise_admin', 'enterprise_member', 'authority_admin', 'broker'] as const) {
      expect([role, (await as(role).get(`/organizations/${seller}/payouts`)).status]).toEqual([role, 403]);
      expect([role, (await as(role).get(`/organizations/${seller}/payout-balance`)).status]).toEqual([role, 403]);
    }
    const other = await newSeller('别家大学');
    const across = await api.http.get(`/organizations/${seller}/payouts`).set('Authorization', `Bearer ${other.token}`);
    expect([across.status, across.body.code]).toEqual([403, 'ORGANIZATION_BOUNDARY']);
    const acrossBalance = await api.http.get(`/organizations/${seller}/payout-balance`).set('Authorization', `Bearer ${other.token}`);
    expect([acrossBalance.status, acrossBalance.body.code]).toEqual([403, 'ORGANIZATION_BOUNDARY']);
    const own = await api.http.get(`/organizations/${other.id}/payouts`).set('Authorization', `Bearer ${other.token}`);
    expect([own.status, own.body.total]).toEqual([200, 0]);
  });
});

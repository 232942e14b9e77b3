import { shanghaiDate } from '../../libs/core/src';
import { createOrganization, createUser, login, PASSWORD, RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

/**
 * The API the authorities' consoles use: the policy editor's preview, the one page shape on the
 * policies, their versions, batches and the budget report, and an authority administering the
 * organisations (and their users) of its own region only.
 */
describe("the authorities' consoles over HTTP", () => {
  let api: TestApi;
  let users: RoleUsers;
  let keqiao: string;
  let kq: string;
  let ningbo: string;
  const year = Number(shanghaiDate(new Date()).toString().slice(0, 4));
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = (role: keyof RoleUsers) => bearer(users[role].token);

  const banded = (overrides: Record<string, unknown> = {}) => ({
    kind: 'contract',
    name: '柯桥区技术交易分档补助',
    documentNumber: `柯科〔${year}〕30号`,
    effectiveFrom: `${year}-01-01`,
    effectiveTo: `${year}-12-31`,
    eligibility: { contractTypes: ['transfer', 'license'], registration: { required: true } },
    base: 'actual_paid',
    rate: {
      kind: 'banded',
      tiers: [
        { fromFen: '0', rate: '5%' },
        { fromFen: '100000000', rate: '8%' },
      ],
    },
    caps: { perContractFen: '15000000' },
    budgetFen: '500000000',
    stacking: 'exclusive',
    ...overrides,
  });

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    keqiao = await createOrganization(api, { type: 'authority', name: '柯桥区科学技术局（控制台）', regionCode: '330603', authorityLevel: 'county' });
    kq = (await login(api, await createUser(api, keqiao, ['authority_admin']))).accessToken;
    const nb = await createOrganization(api, { type: 'authority', name: '宁波市科学技术局（控制台）', regionCode: '330200', authorityLevel: 'city' });
    ningbo = (await login(api, await createUser(api, nb, ['authority_admin']))).accessToken;
  });
  afterAll(async () => {
    await api.close();
  });

  it("previews a draft with the engine: the amount and every step; the draft's field errors named; only authority administrators", async () => {
    const preview = await api.http.post('/subsidy-policies/preview').set(bearer(kq)).send({ policy: banded(), valueFen: '200000000' });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      eligible: true,
      amountFen: '15000000', // 8% of 2,000,000 元 is 160,000 元, capped at 150,000 元
      explanation: {
        rate: { kind: 'banded', steps: [{ fromFen: '100000000', portionFen: '200000000', exactFen: '16000000' }] },
        caps: expect.arrayContaining([expect.objectContaining({ name: 'perContract', bit: true })]),
        bands: [{ fromFen: '100000000', amountFen: '15000000' }],
      },
    });
    const low = await api.http.post('/subsidy-policies/preview').set(bearer(kq)).send({ policy: banded(), valueFen: '50000000', year });
    expect(low.body).toMatchObject({ amountFen: '2500000', explanation: { year } });
    // nothing was saved
    expect((await api.http.get(`/subsidy-policies?authorityId=${keqiao}`).set(bearer(kq))).body.total).toBe(0);

    const bad = await api.http
      .post('/subsidy-policies/preview')
      .set(bearer(kq))
      .send({ policy: banded({ rate: { kind: 'banded', tiers: [{ fromFen: '0', rate: 'lots' }] }, budgetFen: 'x' }), valueFen: '-1' });
    expect(bad.status).toBe(400);
    const fields = (bad.body.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['valueFen', 'policy.budgetFen']));
    expect(fields.some((f) => /^policy\.rate\.tiers\W+0\W+rate$/.test(f))).toBe(true);
    for (const role of ['enterprise_admin', 'holder_admin', 'platform_admin'] as const) {
      expect([role, (await api.http.post('/subsidy-policies/preview').set(as(role)).send({ policy: banded(), valueFen: '1' })).status]).toEqual([role, 403]);
    }
  });

  it('pages policies, versions, batches and the budget in the one shape, and keeps each authority to its region', async () => {
    const created = await api.http.post('/subsidy-policies').set(bearer(kq)).send(banded());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const changed = await api.http
      .put(`/subsidy-policies/${id}`)
      .set(bearer(kq))
      .send({ ...banded({ caps: { perContractFen: '20000000' } }), changeReason: '上调封顶' });
    expect(changed.body.version).toBe(2);
    const versions = await api.http.get(`/subsidy-policies/${id}/versions?limit=1`).set(as('enterprise_admin'));
    expect(versions.body).toMatchObject({
      total: 2,
      limit: 1,
      offset: 0,
      items: [{ version: 2, changeReason: '上调封顶', createdByName: expect.any(String) }],
    });
    expect((await api.http.get(`/subsidy-policies/${id}/versions?limit=0`).set(bearer(kq))).status).toBe(400);
    const list = await api.http.get(`/subsidy-policies?authorityId=${keqiao}&limit=5&offset=0`).set(as('enterprise_member'));
    expect(list.body).toMatchObject({ total: 1, limit: 5, offset: 0, items: [{ id, version: 2 }] });
    expect((await api.http.get('/subsidy-policies?limit=101').set(bearer(kq))).status).toBe(400);

    const budget = await api.http.get('/subsidy-reports/budget?status=active').set(bearer(kq));
    expect(budget.body).toMatchObject({ total: 1, limit: 20, offset: 0, items: [{ policyId: id, remainingFen: '500000000', usedPercent: '0.00' }] });
    // Ningbo sees neither Keqiao's budget nor its batches
    expect((await api.http.get('/subsidy-reports/budget').set(bearer(ningbo))).body).toMatchObject({ total: 0, items: [] });
    expect((await api.http.get('/subsidy-batches').set(bearer(ningbo))).body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    expect((await api.http.get('/subsidy-batches?status=nonsense').set(bearer(kq))).status).toBe(400);
    expect((await api.http.get('/subsidy-batches').set(as('enterprise_admin'))).status).toBe(403);
    // and may not version it
    expect((await api.http.put(`/subsidy-policies/${id}`).set(bearer(ningbo)).send(banded())).status).toBe(403);
  });

  it('lets an authority create holders, enterprises and brokers of its region and their users, and set their flags; nothing outside it', async () => {
    const enterprise = await api.http
      .post('/organizations')
      .set(bearer(kq))
      .send({ type: 'enterprise', name: '柯桥示范印染有限公司', regionCode: '330603', sme: true });
    expect(enterprise.status).toBe(201);
    const outside = await api.http.post('/organizations').set(bearer(kq)).send({ type: 'enterprise', name: '外区企业', regionCode: '330106' });
    expect([outside.status, outside.body.code]).toEqual([403, 'ORGANIZATION_BOUNDARY']);
    const authority = await api.http
      .post('/organizations')
      .set(bearer(kq))
      .send({ type: 'authority', name: '某局', regionCode: '330603', authorityLevel: 'county' });
    expect(authority.status).toBe(403);
    const badOrg = await api.http.post('/organizations').set(bearer(kq)).send({ type: 'holder', name: '', regionCode: '33060' });
    expect(badOrg.status).toBe(400);

    const orgId = enterprise.body.id as string;
    const user = await api.http
      .post(`/organizations/${orgId}/users`)
      .set(bearer(kq))
      .send({ email: `kq-${Date.now()}@example.cn`, displayName: '印染公司经理', password: PASSWORD, roles: ['enterprise_admin'] });
    expect(user.status).toBe(201);
    const wrongRole = await api.http
      .post(`/organizations/${orgId}/users`)
      .set(bearer(kq))
      .send({ email: `kq2-${Date.now()}@example.cn`, displayName: '越权', password: PASSWORD, roles: ['platform_admin'] });
    expect(wrongRole.status).toBe(400);
    const usersPage = await api.http.get(`/organizations/${orgId}/users?limit=10`).set(bearer(kq));
    expect(usersPage.body).toMatchObject({ total: 1, limit: 10, offset: 0, items: [{ displayName: '印染公司经理', roles: ['enterprise_admin'] }] });
    const flags = await api.http.patch(`/organizations/${orgId}`).set(bearer(kq)).send({ sme: false });
    expect([flags.status, flags.body.sme]).toEqual([200, false]);

    // Ningbo may not touch a Keqiao enterprise
    expect((await api.http.patch(`/organizations/${orgId}`).set(bearer(ningbo)).send({ sme: true })).status).toBe(403);
    expect((await api.http.get(`/organizations/${orgId}/users`).set(bearer(ningbo))).status).toBe(403);
    expect(
      (
        await api.http
          .post(`/organizations/${orgId}/users`)
          .set(bearer(ningbo))
          .send({ email: `nb-${Date.now()}@example.cn`, displayName: '越区', password: PASSWORD, roles: ['enterprise_member'] })
      ).status,
    ).toBe(403);
    // the list pages in the one shape, searches by name, and keeps to the region
    const mine = await api.http.get('/organizations?type=enterprise&q=印染&limit=5').set(bearer(kq));
    expect(mine.body).toMatchObject({ total: 1, limit: 5, offset: 0, items: [{ id: orgId }] });
    expect((await api.http.get('/organizations?q=印染').set(bearer(ningbo))).body.total).toBe(0);
    expect((await api.http.get('/organizations?limit=500').set(bearer(kq))).status).toBe(400);
  });
});

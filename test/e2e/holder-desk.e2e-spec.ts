import { patentCheckChar } from '../../libs/achievements/src';
import { CLOCK, type Clock, todayInShanghai } from '../../libs/core/src';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

const doc = { name: '意向书.pdf', mediaType: 'application/pdf', sizeBytes: 1024, sha256: 'a'.repeat(64) };
let serial = 0;
const patent = () => {
  const digits = `20231${String((Date.now() % 1_000_000) * 10 + ++serial)
    .padStart(7, '0')
    .slice(-7)}`;
  return `ZL${digits}.${patentCheckChar(digits)}`;
};

/** What the holder's desk and the justification review need of the API: one page shape, filters, documents, an approved period. */
describe('holder desk API: paged lists, P-REG filters, justifications with documents and an approved period', () => {
  let api: TestApi;
  let users: RoleUsers;
  let other: RoleUsers;
  let today: { plusDays: (n: number) => { toString(): string } };
  const as = (role: keyof RoleUsers, who: RoleUsers = users) => ({ Authorization: `Bearer ${who[role].token}` });
  const register = (body: Record<string, unknown>, who: RoleUsers = users) =>
    api.http
      .post('/achievements')
      .set(as('holder_admin', who))
      .send({
        title: '一种高导热复合材料',
        technicalField: 'new_materials',
        kind: 'applied',
        publiclyFunded: false,
        obtainedOn: '2023-04-01',
        ipRights: [{ type: 'invention_patent', number: patent(), grantedOn: '2023-05-01' }],
        ...body,
      });

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    other = await usersOfEveryRole(api);
    today = todayInShanghai(api.app.get<Clock>(CLOCK));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('pages my achievements with filters and sorting, and lists what is due this week', async () => {
    const dueSoon = await register({ title: '本周到期的草稿', obtainedOn: today.plusDays(-25).toString(), submit: false });
    const notYet = await register({ title: '尚早的草稿', obtainedOn: today.plusDays(-5).toString(), submit: false });
    const overdue = await register({ title: '已逾期的草稿', obtainedOn: today.plusDays(-40).toString(), submit: false });
    expect([dueSoon.status, notYet.status, overdue.status]).toEqual([201, 201, 201]);

    const page = await api.http.get('/achievements?limit=2&offset=0&sort=title&order=asc').set(as('holder_member'));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page.body.items).toHaveLength(2);

    const due = await api.http.get('/achievements?dueWithinDays=7').set(as('holder_admin'));
    expect(due.body.items.map((a: { id: string }) => a.id)).toEqual([dueSoon.body.id]);
    expect(due.body.items[0].registration).toMatchObject({ status: 'draft', timeliness: 'pending' });

    const drafts = await api.http.get('/achievements?registrationStatus=draft&q=草稿').set(as('holder_admin'));
    expect(drafts.body.total).toBe(3);
    // another holder sees none of them
    expect((await api.http.get('/achievements').set(as('holder_admin', other))).body.total).toBe(0);

    for (const bad of ['limit=0', 'limit=abc', 'sort=holderId', 'order=up', 'dueWithinDays=99', 'registrationStatus=gone']) {
      const res = await api.http.get(`/achievements?${bad}`).set(as('holder_admin'));
      expect([bad, res.status]).toEqual([bad, 400]);
      expect(res.body.details?.[0]?.field).toBe(bad.split('=')[0]);
    }
  });

  it('takes documents with a justification, pages the queue, and approves it for the period the reviewer grants', async () => {
    const a = await register({ title: '需正当理由的成果' });
    expect(a.status).toBe(201);
    const endsOn = today.plusDays(365).toString();

    const badDoc = await api.http
      .post(`/achievements/${a.body.id}/justifications`)
      .set(as('holder_member'))
      .send({ category: 'negotiation_in_progress', explanation: '谈判中', endsOn, documents: [{ ...doc, sha256: 'nothex' }] });
    expect(badDoc.status).toBe(400);
    expect(badDoc.body.details[0].field).toMatch(/^documents\[0\]\.sha256/);

    const foreign = await api.http
      .post(`/achievements/${a.body.id}/justifications`)
      .set(as('holder_admin', other))
      .send({ category: 'other', explanation: 'x', endsOn });
    expect(foreign.status).toBe(403);

    const submitted = await api.http
      .post(`/achievements/${a.body.id}/justifications`)
      .set(as('holder_member'))
      .send({ category: 'negotiation_in_progress', explanation: '正与两家企业谈判独占许可', endsOn, documents: [doc] });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ status: 'pending', achievementTitle: '需正当理由的成果', documents: [doc], endsOn });

    const mine = await api.http.get(`/justifications?achievementId=${a.body.id}`).set(as('holder_member'));
    expect(mine.body).toMatchObject({ total: 1, limit: 20, offset: 0, items: [{ id: submitted.body.id, holderName: expect.any(String) }] });
    expect((await api.http.get('/justifications').set(as('holder_admin', other))).body.total).toBe(0);
    const queue = await api.http.get('/justifications?status=pending&limit=100').set(as('authority_admin'));
    expect(queue.body.items.map((j: { id: string }) => j.id)).toContain(submitted.body.id);
    expect((await api.http.get('/justifications?status=maybe').set(as('authority_admin'))).status).toBe(400);

    // only an administrator decides; a period in the past is refused on its field
    expect((await api.http.post(`/justifications/${submitted.body.id}/approve`).set(as('holder_admin')).send({ reason: '自批' })).status).toBe(403);
    const past = await api.http
      .post(`/justifications/${submitted.body.id}/approve`)
      .set(as('authority_admin'))
      .send({ reason: '理由成立', endsOn: today.plusDays(-1).toString() });
    expect(past.status).toBe(400);
    expect(past.body.details).toEqual([expect.objectContaining({ field: 'endsOn', code: 'inPast' })]);
    const granted = today.plusDays(180).toString();
    const approved = await api.http
      .post(`/justifications/${submitted.body.id}/approve`)
      .set(as('authority_admin'))
      .send({ reason: '谈判材料齐全，批准半年', endsOn: granted });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', endsOn: granted, reviewReason: '谈判材料齐全，批准半年', reviewedAt: expect.any(String) });
    const again = await api.http.post(`/justifications/${submitted.body.id}/reject`).set(as('authority_admin')).send({ reason: '重复' });
    expect(again.status).toBe(409);
  });

  it('pages transformations and registry imports, each caller seeing its own', async () => {
    const a = await register({ title: '自行实施的成果' });
    const declared = await api.http
      .post(`/achievements/${a.body.id}/implementations`)
      .set(as('holder_admin'))
      .send({ description: '中试基地实施', startedOn: today.plusDays(-3).toString() });
    expect(declared.status).toBe(201);
    const t = await api.http.get(`/achievements/${a.body.id}/transformations?limit=1`).set(as('holder_member'));
    expect(t.body).toMatchObject({ total: 1, limit: 1, offset: 0, items: [{ id: declared.body.id, source: 'declaration' }] });
    expect((await api.http.get(`/achievements/${a.body.id}/transformations`).set(as('holder_admin', other))).status).toBe(403);
    expect((await api.http.get(`/achievements/${a.body.id}/transformations?offset=-1`).set(as('holder_admin'))).status).toBe(400);

    const upload = await api.http
      .post('/registry-imports')
      .set(as('holder_admin'))
      .attach('file', Buffer.from('\uFEFF成果名称*\r\n', 'utf8'), { filename: '登记.csv', contentType: 'text/csv' });
    expect(upload.status).toBe(202);
    const list = await api.http.get('/registry-imports').set(as('holder_member'));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 20, offset: 0, items: [{ id: upload.body.id, fileName: '登记.csv' }] });
    expect((await api.http.get('/registry-imports').set(as('holder_admin', other))).body.total).toBe(0);
    expect((await api.http.get(`/registry-imports?holderId=${users.holder_admin.organizationId}`).set(as('holder_admin', other))).status).toBe(403);
    expect((await api.http.get('/registry-imports').set(as('enterprise_admin'))).status).toBe(403);
    const operator = await api.http.get(`/registry-imports?holderId=${users.holder_admin.organizationId}`).set(as('platform_admin'));
    expect(operator.body.total).toBe(1);
  });

  it('pages the declarations of intent of a listing for its holder only', async () => {
    const a = await register({ title: '挂牌的成果' });
    const listing = await api.http
      .post('/listings')
      .set(as('holder_admin'))
      .send({ achievementId: a.body.id, mode: 'fixed_price', dealType: 'transfer', priceFen: '10000000' });
    expect(listing.status).toBe(201);
    const declared = await api.http.post(`/listings/${listing.body.id}/intents`).set(as('enterprise_admin')).send({ statement: '拟受让' });
    expect(declared.status).toBe(201);
    const intents = await api.http.get(`/listings/${listing.body.id}/intents`).set(as('holder_member'));
    expect(intents.body).toMatchObject({
      total: 1,
      limit: 20,
      offset: 0,
      items: [{ organizationId: users.enterprise_admin.organizationId, statement: '拟受让' }],
    });
    expect((await api.http.get(`/listings/${listing.body.id}/intents`).set(as('holder_admin', other))).status).toBe(403);
    expect((await api.http.get(`/listings/${listing.body.id}/intents?limit=500`).set(as('holder_admin'))).status).toBe(400);
  });
});

import { patentCheckChar } from '../../libs/achievements/src';
import { createOrganization, RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { expectPagedList } from '../support/page-checks';

/** The market operator's consoles: draft sessions and publication, opening and withdrawing live lots, a lot's paddles. */
describe("the market operator's console API", () => {
  let api: TestApi;
  let users: RoleUsers;
  let patent = 0;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });

  const achievement = async (title: string) => {
    const digits = `20241088${String(++patent).padStart(4, '0')}`;
    const res = await api.http
      .post('/achievements')
      .set(as('holder_admin'))
      .send({
        title,
        technicalField: 'new_materials',
        kind: 'applied',
        publiclyFunded: false,
        obtainedOn: '2024-01-01',
        ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn: '2024-06-01' }],
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const session = async (name: string, draft = true) => {
    const res = await api.http
      .post('/auction-sessions')
      .set(as('platform_admin'))
      .send({ name, theme: 'yangtze_delta', runMode: 'sequential', startsAt: new Date(Date.now() + 3_600_000).toISOString(), draft });
    expect(res.status).toBe(201);
    return res.body as { id: string; status: string; publishedAt: string | null };
  };
  const lot = async (sessionId: string | undefined, title: string, options: { live?: boolean; depositFen?: string } = {}) => {
    const res = await api.http
      .post('/lots')
      .set(as('platform_admin'))
      .send({
        achievementId: await achievement(title),
        dealType: 'transfer',
        startingPriceFen: '1000000',
        increment: { kind: 'fixed', amountFen: '50000' },
        depositFen: options.depositFen ?? '0',
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
        endsAt: new Date(Date.now() + 4 * 3_600_000).toISOString(),
        live: options.live ?? true,
        ...(sessionId ? { sessionId } : {}),
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
  });
  afterAll(() => api.close());

  it('keeps a draft session out of the public lists until it is published with a lot', async () => {
    const draft = await session('草稿专场·三大高地拍');
    expect(draft).toMatchObject({ status: 'draft', publishedAt: null });
    const published = await session('已发布专场·大走廊拍', false);
    expect(published.status).toBe('published');

    const publicIds = (await api.http.get('/auction-sessions').query({ limit: 100 })).body.items.map((s: { id: string }) => s.id);
    expect(publicIds).toContain(published.id);
    expect(publicIds).not.toContain(draft.id);

    // the operator's list: drafts included, filtered and sorted on the server, one page shape
    await expectPagedList((q) => api.http.get('/auction-sessions/manage').set(as('platform_admin')).query(q), 2);
    const drafts = await api.http.get('/auction-sessions/manage').set(as('platform_admin')).query({ status: 'draft' });
    expect(drafts.body.items.map((s: { id: string }) => s.id)).toEqual([draft.id]);
    const byName = await api.http.get('/auction-sessions/manage').set(as('platform_admin')).query({ sort: 'name', order: 'asc' });
    const names = byName.body.items.map((s: { name: string }) => s.name);
    expect(names).toEqual([...names].sort());
    const bad = await api.http.get('/auction-sessions/manage').set(as('platform_admin')).query({ sort: 'password', status: 'maybe' });
    expect(bad.status).toBe(400);
    expect(new Set(bad.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['sort', 'status']));
    expect((await api.http.get('/auction-sessions/manage').set(as('enterprise_admin'))).status).toBe(403);
    expect((await api.http.get('/auction-sessions/manage')).status).toBe(401);

    // publishing: the operator only, never an empty session
    expect((await api.http.post(`/auction-sessions/${draft.id}/publish`).set(as('enterprise_admin'))).status).toBe(403);
    const empty = await api.http.post(`/auction-sessions/${draft.id}/publish`).set(as('platform_admin'));
    expect(empty.status).toBe(409);
    expect(empty.body.code).toBe('SESSION_EMPTY');
    const lotId = await lot(draft.id, '草稿专场的标的');
    // a draft's lots are not discovered either
    expect((await api.http.get('/lots').query({ sessionId: draft.id })).body.total).toBe(0);
    const done = await api.http.post(`/auction-sessions/${draft.id}/publish`).set(as('platform_admin'));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'published', lots: [expect.objectContaining({ id: lotId, live: true, status: 'scheduled' })] });
    expect((await api.http.post(`/auction-sessions/${draft.id}/publish`).set(as('platform_admin'))).body.publishedAt).toBe(done.body.publishedAt);
    expect((await api.http.get('/lots').query({ sessionId: draft.id })).body.total).toBe(1);
    expect((await api.http.post(`/auction-sessions/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/publish`).set(as('platform_admin'))).status).toBe(404);
  });

  it('opens live lots one at a time per session, lists their paddles, and withdraws a lot with its deposits released', async () => {
    const s = await session('高新区拍·现场专场', false);
    const first = await lot(s.id, '第一件标的', { depositFen: '100000' });
    const second = await lot(s.id, '第二件标的');
    const timed = await lot(undefined, '网络限时标的', { live: false });

    expect((await api.http.post(`/lots/${first}/open`).set(as('enterprise_admin'))).status).toBe(403);
    const notLive = await api.http.post(`/lots/${timed}/open`).set(as('platform_admin'));
    expect([notLive.status, notLive.body.code]).toEqual([409, 'LOT_NOT_LIVE']);
    const opened = await api.http.post(`/lots/${first}/open`).set(as('platform_admin'));
    expect(opened.status).toBe(200);
    expect(opened.body.status).toBe('open');
    expect(Date.parse(opened.body.startsAt)).toBeLessThanOrEqual(Date.now());
    expect((await api.http.post(`/lots/${first}/open`).set(as('platform_admin'))).status).toBe(200); // again: nothing changes
    const busy = await api.http.post(`/lots/${second}/open`).set(as('platform_admin'));
    expect([busy.status, busy.body.code]).toEqual([409, 'ANOTHER_LOT_OPEN']);

    // paddles: an online bidder and a floor bidder whose deposit came by bank transfer
    const floorOrg = await createOrganization(api, { type: 'enterprise', name: '现场竞买企业', regionCode: '330100', sme: false });
    const floor = await api.http
      .post(`/lots/${first}/offline-registrations`)
      .set(as('platform_admin'))
      .send({ organizationId: floorOrg, bankReference: 'ICBC-20261206-0101' });
    expect(floor.status).toBe(201);
    expect((await api.http.post(`/lots/${first}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 1, amountFen: '1000000' })).body.status).toBe(
      'accepted',
    );
    const paddles = await api.http.get(`/lots/${first}/registrations`).set(as('platform_admin'));
    expect(paddles.body).toEqual({
      items: [
        expect.objectContaining({
          paddleNumber: 1,
          pseudonym: '竞买人 01',
          organizationName: '现场竞买企业',
          offline: true,
          depositStatus: 'held',
          leading: true,
        }),
      ],
      total: 1,
      limit: 20,
      offset: 0,
    });
    expect((await api.http.get(`/lots/${first}/registrations`).set(as('enterprise_admin'))).status).toBe(403);
    expect((await api.http.get(`/lots/${first}/registrations`).set(as('platform_admin')).query({ limit: 101 })).status).toBe(400);

    // withdrawal: a reason is required; it closes the lot unsold ('withdrawn'), once
    const noReason = await api.http.post(`/lots/${first}/withdraw`).set(as('platform_admin')).send({});
    expect(noReason.status).toBe(400);
    expect(new Set(noReason.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['reason']));
    expect((await api.http.post(`/lots/${first}/withdraw`).set(as('holder_admin')).send({ reason: '权利人撤回' })).status).toBe(403);
    const withdrawn = await api.http.post(`/lots/${first}/withdraw`).set(as('platform_admin')).send({ reason: '权利人撤回委托' });
    expect(withdrawn.body).toMatchObject({ closed: true, result: 'unsold', hammerPriceFen: null, dealId: null });
    expect((await api.http.post(`/lots/${first}/withdraw`).set(as('platform_admin')).send({ reason: '再撤一次' })).body).toMatchObject({
      closed: false,
      reason: 'already_closed',
    });
    expect((await api.http.get(`/lots/${first}`)).body).toMatchObject({ status: 'closed', result: 'unsold', winner: null });
    const after = await api.http.get(`/lots/${first}/registrations`).set(as('platform_admin'));
    expect(after.body.items[0].depositStatus).toBe('released');
    const lots = (await api.http.get(`/auction-sessions/${s.id}`)).body.lots as { id: string; unsoldReason: string | null }[];
    expect(lots.find((l) => l.id === first)!.unsoldReason).toBe('withdrawn');
    const floorBid = await api.http.post(`/lots/${first}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 1, amountFen: '2000000' });
    expect(floorBid.body).toMatchObject({ status: 'rejected' });

    // the next lot may go on the block now
    expect((await api.http.post(`/lots/${second}/open`).set(as('platform_admin'))).body.status).toBe('open');
    const closed = await api.http.post(`/lots/${first}/open`).set(as('platform_admin'));
    expect([closed.status, closed.body.code]).toEqual([409, 'LOT_CLOSED']);
  });

  it('sorts contracts on the server and refuses an unknown sort', async () => {
    const sorted = await api.http.get('/contracts').set(as('platform_admin')).query({ sort: 'title', order: 'asc', limit: 5 });
    expect(sorted.status).toBe(200);
    expect(Object.keys(sorted.body).sort()).toEqual(['items', 'limit', 'offset', 'total']);
    const bad = await api.http.get('/contracts').set(as('platform_admin')).query({ sort: 'priceFen', order: 'up' });
    expect(bad.status).toBe(400);
    expect(new Set(bad.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['sort', 'order']));
  });
});

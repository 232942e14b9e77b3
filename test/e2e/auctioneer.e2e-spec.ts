import { io, Socket } from 'socket.io-client';
import { patentCheckChar } from '../../libs/achievements/src';
import { createOrganization, createUser, login, RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

/** The auctioneer console (P-AUC): floor bidders with paddles, online and floor bids in one order, calls, hammer. */
describe('a live lot run from the auctioneer console', () => {
  let api: TestApi;
  let users: RoleUsers;
  let lotId: string;
  let floorOrg: string;
  const sockets: Socket[] = [];
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    const digits = '202210555551';
    const achievement = await api.http
      .post('/achievements')
      .set(as('holder_admin'))
      .send({
        title: '一种柔性显示驱动电路',
        technicalField: 'internet_plus',
        kind: 'applied',
        publiclyFunded: false,
        obtainedOn: '2023-01-01',
        ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn: '2023-06-01' }],
      });
    const lot = await api.http
      .post('/lots')
      .set(as('platform_admin'))
      .send({
        achievementId: achievement.body.id,
        dealType: 'transfer',
        startingPriceFen: '5000000',
        increment: { kind: 'fixed', amountFen: '100000' },
        depositFen: '0',
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        live: true,
      });
    expect(lot.status).toBe(201);
    lotId = lot.body.id;
    floorOrg = await createOrganization(api, { type: 'enterprise', name: '现场竞买企业', regionCode: '330100', sme: false });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await api.close();
  });

  it('takes floor bids by paddle and online bids through one engine, announces calls, and hammers', async () => {
    const online = await api.http.post(`/lots/${lotId}/registrations`).set(as('enterprise_admin')).send({});
    expect(online.body).toMatchObject({ paddleNumber: 1, depositStatus: 'held' });
    const floor = await api.http
      .post(`/lots/${lotId}/offline-registrations`)
      .set(as('platform_admin'))
      .send({ organizationId: floorOrg, bankReference: 'ICBC-20261125-0007' });
    expect(floor.status).toBe(201);
    expect(floor.body).toMatchObject({ paddleNumber: 2, offline: true, depositStatus: 'held' });

    const watcher = io(api.url, { auth: { token: users.broker.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(watcher);
    await new Promise<void>((resolve) => watcher.once('connect', () => resolve()));
    await watcher.emitWithAck('lot.join', { lotId });
    const calls: string[] = [];
    watcher.on('lot.call', (e: { call: string }) => calls.push(e.call));
    const seen: { seq: number; floor?: boolean }[] = [];
    watcher.on('lot.bids', (e: { bids: { seq: number; floor?: boolean }[] }) => seen.push(...e.bids));

    expect((await api.http.post(`/lots/${lotId}/bids`).set(as('enterprise_member')).send({ amountFen: '5000000', idempotencyKey: 'o1' })).body).toMatchObject({
      status: 'accepted',
      seq: 1,
    });
    expect((await api.http.post(`/lots/${lotId}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 2, amountFen: '5100000' })).body).toMatchObject({
      status: 'accepted',
      seq: 2,
    });
    // paddle 1 registered online: the floor console cannot bid for it
    expect((await api.http.post(`/lots/${lotId}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 1, amountFen: '5300000' })).body).toMatchObject({
      status: 'rejected',
      code: 'FLOOR_BIDDER_NOT_OFFLINE',
    });
    expect((await api.http.post(`/lots/${lotId}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 99, amountFen: '5300000' })).body).toMatchObject({
      status: 'rejected',
      code: 'NOT_REGISTERED',
    });
    expect((await api.http.post(`/lots/${lotId}/bids`).set(as('enterprise_admin')).send({ amountFen: '5200000', idempotencyKey: 'o2' })).body).toMatchObject({
      status: 'accepted',
      seq: 3,
    });
    // an enterprise cannot use the console
    expect((await api.http.post(`/lots/${lotId}/floor-bids`).set(as('enterprise_admin')).send({ paddleNumber: 2, amountFen: '9900000' })).status).toBe(403);

    for (const call of ['going_once', 'going_twice'])
      expect((await api.http.post(`/lots/${lotId}/calls`).set(as('platform_admin')).send({ call })).status).toBe(202);
    const closed = new Promise<Record<string, unknown>>((resolve) => watcher.once('lot.closed', resolve));
    const hammer = await api.http.post(`/lots/${lotId}/hammer`).set(as('platform_admin'));
    expect(hammer.body).toMatchObject({ closed: true, result: 'sold', hammerPriceFen: '5200000' });
    await expect(closed).resolves.toMatchObject({ result: 'sold', winner: '竞买人 01' });
    expect(calls).toEqual(['going_once', 'going_twice']);
    expect((await api.http.post(`/lots/${lotId}/hammer`).set(as('platform_admin'))).body).toMatchObject({ closed: false, reason: 'already_closed' });
    expect((await api.http.post(`/lots/${lotId}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 2, amountFen: '6000000' })).body).toMatchObject({
      status: 'rejected',
      code: 'LOT_ENDED',
    });

    const history = await api.http.get(`/lots/${lotId}/bids`);
    expect(history.body.verified).toBe(true);
    expect(history.body.bids.map((b: { bidder: string; amountFen: string; floor: boolean }) => [b.bidder, b.amountFen, b.floor])).toEqual([
      ['竞买人 01', '5000000', false],
      ['竞买人 02', '5100000', true], // entered by the auctioneer for the room: online watchers see it as a floor bid (P-AUC)
      ['竞买人 01', '5200000', false],
    ]);
    expect(seen.map((b) => [b.seq, b.floor === true])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
  });

  it('refuses to hammer a timed (not live) lot', async () => {
    const other = await createOrganization(api, { type: 'holder', name: '另一所大学', regionCode: '330106', holderCategory: 'university' });
    const email = await createUser(api, other, ['holder_admin']);
    const token = (await login(api, email)).accessToken;
    const a = await api.http
      .post('/achievements')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: '定时拍卖标的', technicalField: 'other', kind: 'applied', publiclyFunded: false, obtainedOn: '2024-01-01' });
    const lot = await api.http
      .post('/lots')
      .set('Authorization', `Bearer ${token}`)
      .send({
        achievementId: a.body.id,
        dealType: 'transfer',
        startingPriceFen: '100',
        increment: { kind: 'fixed', amountFen: '10' },
        depositFen: '0',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
    const res = await api.http.post(`/lots/${lot.body.id}/hammer`).set(as('platform_admin'));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('LOT_NOT_LIVE');
  });
});

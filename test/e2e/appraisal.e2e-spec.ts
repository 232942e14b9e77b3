import { patentCheckChar } from '../../libs/achievements/src';
import { CLOCK, type Clock, todayInShanghai } from '../../libs/core/src';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

let serial = 0;
const fields = (body: { details: { field: string }[] }) => [...new Set(body.details.map((d) => d.field))];
const patent = () => {
  const digits = `20241${String((Date.now() % 1_000_000) * 10 + ++serial)
    .padStart(7, '0')
    .slice(-7)}`;
  return `ZL${digits}.${patentCheckChar(digits)}`;
};

/** P-PRICE: a holder lists with an appraisal report (资产评估); bidders see it beside the price. */
describe('appraisal reports on listings and lots', () => {
  let api: TestApi;
  let users: RoleUsers;
  let other: RoleUsers;
  let today: ReturnType<typeof todayInShanghai>;
  const as = (role: keyof RoleUsers, who: RoleUsers = users) => ({ Authorization: `Bearer ${who[role].token}` });
  const appraisal = () => ({
    appraiser: '浙江中联资产评估有限公司',
    valueFen: '120000000',
    appraisedOn: today.plusDays(-30).toString(),
    documentName: '资产评估报告.pdf',
    documentSha256: 'b'.repeat(64),
  });
  const achievement = async (title: string, who: RoleUsers = users) => {
    const res = await api.http
      .post('/achievements')
      .set(as('holder_admin', who))
      .send({
        title,
        technicalField: 'new_materials',
        kind: 'applied',
        publiclyFunded: false,
        obtainedOn: today.plusDays(-20).toString(),
        ipRights: [{ type: 'invention_patent', number: patent(), grantedOn: today.plusDays(-10).toString() }],
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const auction = (achievementId: string, extra: Record<string, unknown> = {}) => ({
    achievementId,
    dealType: 'transfer',
    startingPriceFen: '100000000',
    increment: { kind: 'fixed', amountFen: '1000000' },
    depositFen: '10000000',
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    endsAt: new Date(Date.now() + 4 * 3_600_000).toISOString(),
    ...extra,
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

  it('lists at a fixed price with an appraisal; the public reads and the holder desk show it', async () => {
    const id = await achievement('带评估报告的挂牌成果');
    const created = await api.http
      .post('/listings')
      .set(as('holder_admin'))
      .send({ achievementId: id, mode: 'fixed_price', dealType: 'transfer', priceFen: '110000000', noticeDays: 10, appraisal: appraisal() });
    expect(created.status).toBe(201);
    expect(created.body.noticeEndsAt).toEqual(expect.any(String));

    const pub = await api.http.get(`/listings?achievementId=${id}`);
    expect(pub.status).toBe(200);
    expect(pub.body.items[0]).toMatchObject({ id: created.body.id, priceFen: '110000000', appraisal: appraisal() });
    expect((await api.http.get(`/listings/${created.body.id}`)).body.appraisal).toEqual(appraisal());

    const desk = await api.http.get(`/organizations/${users.holder_admin.organizationId}/listings?limit=10`).set(as('holder_member'));
    expect(desk.status).toBe(200);
    expect(desk.body).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect(desk.body.items[0]).toMatchObject({ id: created.body.id, title: '带评估报告的挂牌成果', intents: 0, bidders: 0, appraisal: appraisal() });

    // a listing without one says so
    const plain = await api.http
      .post('/listings')
      .set(as('holder_admin'))
      .send({ achievementId: await achievement('协议定价的成果'), mode: 'negotiated', dealType: 'transfer' });
    expect(plain.status).toBe(201);
    expect((await api.http.get(`/listings/${plain.body.id}`)).body.appraisal).toBeNull();
  });

  it('auctions with an appraisal: the lot shows it beside the starting price; bidders are counted by pseudonym', async () => {
    const lot = await api.http
      .post('/lots')
      .set(as('holder_admin'))
      .send(auction(await achievement('带评估报告的拍卖成果'), { appraisal: appraisal() }));
    expect(lot.status).toBe(201);
    const pub = await api.http.get(`/lots/${lot.body.id}`);
    expect(pub.body).toMatchObject({ startingPriceFen: '100000000', appraisal: appraisal() });

    const bidders = await api.http.get(`/listings/${lot.body.listingId}/bidders`).set(as('holder_admin'));
    expect(bidders.status).toBe(200);
    expect(bidders.body).toEqual({ lotId: lot.body.id, items: [], total: 0, limit: 20, offset: 0 });
    expect((await api.http.get(`/listings/${lot.body.listingId}/bidders`).set(as('holder_admin', other))).status).toBe(403);
    expect((await api.http.get(`/listings/${lot.body.listingId}/bidders`).set(as('enterprise_admin'))).status).toBe(403);
  });

  it('names the offending field of a bad appraisal with 400', async () => {
    const id = await achievement('评估报告有误的成果');
    const cases: [Record<string, unknown>, string][] = [
      [{ valueFen: '0' }, 'appraisal.valueFen'],
      [{ valueFen: '-5' }, 'appraisal.valueFen'],
      [{ appraisedOn: today.plusDays(1).toString() }, 'appraisal.appraisedOn'],
      [{ appraisedOn: '2026-02-30' }, 'appraisal.appraisedOn'],
      [{ appraiser: '' }, 'appraisal.appraiser'],
      [{ appraiser: '   ' }, 'appraisal.appraiser'],
      [{ documentName: '' }, 'appraisal.documentName'],
      [{ documentSha256: 'XYZ' }, 'appraisal.documentSha256'],
    ];
    for (const [patch, field] of cases) {
      const body = { achievementId: id, mode: 'fixed_price', dealType: 'transfer', priceFen: '1000000', appraisal: { ...appraisal(), ...patch } };
      const res = await api.http.post('/listings').set(as('holder_admin')).send(body);
      expect([field, res.status]).toEqual([field, 400]);
      expect(fields(res.body)).toEqual([field]);
      const onLot = await api.http
        .post('/lots')
        .set(as('holder_admin'))
        .send(auction(id, { appraisal: { ...appraisal(), ...patch } }));
      expect([field, onLot.status]).toEqual([field, 400]);
      expect(fields(onLot.body)).toEqual([field]);
    }
    // nothing was listed
    expect((await api.http.get(`/listings?achievementId=${id}`)).body.total).toBe(0);
  });

  it('refuses the wrong role and another holder', async () => {
    const id = await achievement('他人的成果');
    const body = { achievementId: id, mode: 'fixed_price', dealType: 'transfer', priceFen: '1000000', appraisal: appraisal() };
    expect((await api.http.post('/listings').set(as('holder_member')).send(body)).status).toBe(403);
    expect((await api.http.post('/listings').set(as('enterprise_admin')).send(body)).status).toBe(403);
    expect((await api.http.post('/listings').set(as('holder_admin', other)).send(body)).status).toBe(403);
    expect(
      (
        await api.http
          .post('/lots')
          .set(as('holder_admin', other))
          .send(auction(id, { appraisal: appraisal() }))
      ).status,
    ).toBe(403);
    expect((await api.http.get(`/organizations/${users.holder_admin.organizationId}/listings`).set(as('holder_admin', other))).status).toBe(403);
    expect((await api.http.get(`/listings?achievementId=${id}`)).body.total).toBe(0);
  });
});

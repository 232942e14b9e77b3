import { CLOCK, type TravelClock } from '../../libs/core/src';
import { ContractsService } from '../../libs/contracts/src';
import { DataSource } from 'typeorm';
import { createOrganization, createUser, login, startApi, type TestApi } from '../support/api';
import { insertAchievement } from '../support/registry-factory';

/**
 * Technology brokers (技术经纪人): an enterprise and a holder grant broker organisations mandates
 * (委托); the brokers act for them within the mandates (X-On-Behalf-Of), every action recorded
 * "by broker X for Y" and listed to the principal; outside a mandate (other resource, other action,
 * revoked, lapsed, signing) they are refused; the deal made through the mandates carries both
 * commissions on its contract.
 */
describe('technology brokers: mandates, acting for a principal, commissions', () => {
  let api: TestApi;
  let db: DataSource;
  const org: Record<string, string> = {};
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  let achievement: string;
  let otherAchievement: string;
  let lot: string;
  let otherLot: string;

  const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const inDays = (n: number) => new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);
  const as = (who: string, onBehalfOf?: string) => {
    const set = <T extends { set(k: string, v: string): T }>(r: T) => {
      const withAuth = r.set('Authorization', `Bearer ${token[who]}`);
      return onBehalfOf ? withAuth.set('X-On-Behalf-Of', onBehalfOf) : withAuth;
    };
    return {
      get: (path: string) => set(api.http.get(path)),
      post: (path: string, body: object = {}) => set(api.http.post(path)).send(body),
    };
  };
  const lotOf = async (holder: string, achievementId: string): Promise<string> => {
    const [listing] = (await db.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type) VALUES ($1, $2, 'auction', 1000000, 'active', 'transfer') RETURNING id`,
      [achievementId, holder],
    )) as { id: string }[];
    const [row] = (await db.query(
      `INSERT INTO lots (listing_id, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at, status)
       VALUES ($1, $2, $3, '经纪测试标的', 1000000, '{"kind":"fixed","amountFen":"10000"}', 0, now() - interval '1 minute', now() + interval '1 day', now() + interval '1 day', 'open') RETURNING id`,
      [listing.id, achievementId, holder],
    )) as { id: string }[];
    return row.id;
  };

  beforeAll(async () => {
    api = await startApi();
    db = api.app.get(DataSource);
    org.holder = await createOrganization(api, {
      type: 'holder',
      name: '经纪测试大学',
      regionCode: '330106',
      holderCategory: 'university',
      highLevelPlatform: true,
    });
    org.enterprise = await createOrganization(api, { type: 'enterprise', name: '经纪测试企业', regionCode: '330603', sme: true });
    org.other = await createOrganization(api, { type: 'enterprise', name: '另一企业', regionCode: '330603', sme: true });
    org.broker = await createOrganization(api, { type: 'broker', name: '甲技术经纪公司', regionCode: '330100' });
    org.broker2 = await createOrganization(api, { type: 'broker', name: '乙技术经纪公司', regionCode: '330100' });
    const roles = { holder: 'holder_admin', enterprise: 'enterprise_admin', other: 'enterprise_admin', broker: 'broker', broker2: 'broker' } as const;
    for (const [who, role] of Object.entries(roles)) {
      const email = await createUser(api, org[who], [role]);
      token[who] = (await login(api, email)).accessToken;
      user[who] = ((await db.query(`SELECT id FROM users WHERE email = $1`, [email])) as { id: string }[])[0].id;
    }
    achievement = await insertAchievement(db, org.holder, { title: '经纪委托成果' });
    otherAchievement = await insertAchievement(db, org.holder, { title: '未委托成果' });
    lot = await lotOf(org.holder, otherAchievement);
    otherLot = await lotOf(org.holder, otherAchievement);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  let enterpriseMandate: string;
  let holderMandate: string;

  it('refuses bad grants with the offending fields, and the wrong roles', async () => {
    const bad = await as('enterprise').post('/mandates', {
      brokerOrganizationId: org.other,
      lotIds: [lot],
      permissions: ['list', 'register_and_bid'],
      endsOn: '2020-01-01',
      commissionRateBp: 300,
      commissionFixedFen: '100',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((bad.body.details as { field: string }[]).map((d) => d.field).sort()).toEqual(['brokerOrganizationId', 'commissionRateBp', 'endsOn', 'permissions']);
    const shape = await as('enterprise').post('/mandates', { brokerOrganizationId: 'x', permissions: ['sign'], endsOn: 'tomorrow', commissionRateBp: 0 });
    expect(shape.status).toBe(400);
    // a holder names only its own achievements
    const foreign = await as('holder').post('/mandates', {
      brokerOrganizationId: org.broker,
      achievementIds: ['00000000-0000-4000-8000-000000000000'],
      permissions: ['list'],
      endsOn: inDays(30),
      commissionRateBp: 100,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.details[0]).toMatchObject({ field: 'achievementIds', code: 'notYours' });
    expect(
      (
        await as('broker').post('/mandates', {
          brokerOrganizationId: org.broker2,
          lotIds: [lot],
          permissions: ['negotiate'],
          endsOn: inDays(3),
          commissionRateBp: 1,
        })
      ).body.code,
    ).toBe('FORBIDDEN_ROLE');
  });

  it('an enterprise and a holder grant mandates; each side sees them', async () => {
    const e = await as('enterprise').post('/mandates', {
      brokerOrganizationId: org.broker,
      lotIds: [lot],
      achievementIds: [achievement],
      permissions: ['register_and_bid', 'negotiate'],
      endsOn: inDays(30),
      commissionRateBp: 300,
      note: '代理竞买',
    });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({
      status: 'active',
      principalName: '经纪测试企业',
      brokerName: '甲技术经纪公司',
      commissionRateBp: 300,
      commissionFixedFen: null,
    });
    enterpriseMandate = e.body.id;
    const h = await as('holder').post('/mandates', {
      brokerOrganizationId: org.broker2,
      achievementIds: [achievement],
      permissions: ['list', 'negotiate'],
      endsOn: today(),
      commissionFixedFen: '50000',
    });
    expect(h.status).toBe(201);
    holderMandate = h.body.id;
    const mine = await as('broker').get('/mandates');
    expect(mine.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(mine.body.items[0].id).toBe(enterpriseMandate);
    expect((await as('enterprise').get('/mandates?status=active')).body.total).toBe(1);
    expect((await as('broker2').get(`/mandates/${enterpriseMandate}`)).status).toBe(404);
    expect((await as('other').get(`/mandates/${enterpriseMandate}`)).status).toBe(404);
    expect((await as('enterprise').get('/brokers')).body.total).toBeGreaterThanOrEqual(2);
  });

  it('the broker registers and bids for the enterprise within the mandate; the audit log says by whom for whom', async () => {
    const reg = await as('broker', org.enterprise).post(`/lots/${lot}/registrations`, {});
    expect(reg.status).toBe(201);
    const [row] = (await db.query(`SELECT organization_id FROM lot_registrations WHERE lot_id = $1`, [lot])) as { organization_id: string }[];
    expect(row.organization_id).toBe(org.enterprise);
    const bid = await as('broker', org.enterprise).post(`/lots/${lot}/bids`, { amountFen: '1000000', idempotencyKey: 'broker-bid-1' });
    expect(bid.status).toBeLessThan(300);
    const audit = (await db.query(
      `SELECT action, actor_user_id, actor_organization_id, agent_organization_id, mandate_id FROM audit_log WHERE agent_organization_id IS NOT NULL ORDER BY id`,
    )) as { action: string; actor_user_id: string; actor_organization_id: string; agent_organization_id: string; mandate_id: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['lot.bidder_registered', 'mandate.acted']));
    for (const a of audit)
      expect(a).toMatchObject({
        actor_user_id: user.broker,
        actor_organization_id: org.enterprise,
        agent_organization_id: org.broker,
        mandate_id: enterpriseMandate,
      });
    const actions = await as('enterprise').get(`/mandates/${enterpriseMandate}/actions`);
    expect(actions.body.total).toBe(2);
    expect(actions.body.items.map((a: { operation: string }) => a.operation)).toEqual(['POST /lots/:id/bids', 'POST /lots/:id/registrations']);
    expect((await as('broker').get('/brokerage/lots')).body.items.map((l: { id: string }) => l.id)).toContain(lot);
  });

  it('refuses the broker outside the mandate: other lot, other principal, signing, no header for itself', async () => {
    expect((await as('broker', org.enterprise).post(`/lots/${otherLot}/registrations`, {})).body.code).toBe('MANDATE_SCOPE_EXCLUDES');
    expect((await as('broker', org.other).post(`/lots/${lot}/registrations`, {})).body.code).toBe('MANDATE_NOT_ACTIVE');
    expect((await as('broker', org.holder).post('/listings', { achievementId: achievement, mode: 'negotiated', dealType: 'transfer' })).body.code).toBe(
      'MANDATE_NOT_ACTIVE',
    );
    const sign = await as('broker', org.enterprise).post(`/contracts/00000000-0000-4000-8000-000000000000/signatures`, {});
    expect([sign.status, sign.body.code]).toEqual([403, 'MANDATE_NOT_DELEGABLE']);
    expect((await as('broker').post(`/lots/${otherLot}/registrations`, {})).body.code).toBe('FORBIDDEN_ROLE');
    expect((await as('holder', org.enterprise).post(`/lots/${lot}/registrations`, {})).body.code).toBe('NOT_A_BROKER');
  });

  it('a deal made through both mandates carries both commissions on its contract', async () => {
    // the holder's broker lists for the holder (negotiated), the enterprise's broker declares the enterprise's intent
    const listing = await as('broker2', org.holder).post('/listings', { achievementId: achievement, mode: 'negotiated', dealType: 'transfer' });
    expect(listing.status).toBe(201);
    expect((await as('broker', org.enterprise).post(`/listings/${listing.body.id}/intents`, { statement: '代理企业表达意向' })).status).toBe(201);
    const agreed = await as('broker2', org.holder).post(`/listings/${listing.body.id}/agreements`, { enterpriseId: org.enterprise, priceFen: '1234550' });
    expect(agreed.status).toBe(201);
    const { contractId } = (await api.app.get(ContractsService).createFromDeal(agreed.body.dealId))!;
    const asBuyer = await as('enterprise').get(`/contracts/${contractId}`);
    expect(asBuyer.body.commissions).toEqual([
      expect.objectContaining({ side: 'buyer', brokerOrganizationId: org.broker, rateBp: 300, basisFen: '1234550', commissionFen: '37037' }), // 37,036.5 → 37,037 (half up)
    ]);
    const asSeller = await as('holder').get(`/contracts/${contractId}`);
    expect(asSeller.body.commissions).toEqual([
      expect.objectContaining({ side: 'seller', brokerOrganizationId: org.broker2, fixedFen: '50000', commissionFen: '50000' }),
    ]);
    const desk = await as('broker').get('/brokerage/commissions');
    expect(desk.body).toMatchObject({ total: 1, sumFen: '37037' });
    const deals = await as('broker2').get('/brokerage/deals');
    expect(deals.body.items[0]).toMatchObject({ id: agreed.body.dealId, side: 'seller', contractId, commissionFen: '50000' });
  });

  it('signing stays with the principal even for a contract its broker brought', async () => {
    const [c] = (await db.query(`SELECT id FROM contracts LIMIT 1`)) as { id: string }[];
    expect((await as('broker2', org.holder).post(`/contracts/${c.id}/signatures`, {})).body.code).toBe('MANDATE_NOT_DELEGABLE');
  });

  it('the principal revokes; the broker is refused afterwards; a second revoke conflicts; the broker cannot revoke', async () => {
    expect((await as('broker').post(`/mandates/${enterpriseMandate}/revoke`, {})).body.code).toBe('FORBIDDEN_ROLE');
    const revoked = await as('enterprise').post(`/mandates/${enterpriseMandate}/revoke`, { reason: '已自行办理' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokeReason: '已自行办理' });
    expect((await as('enterprise').post(`/mandates/${enterpriseMandate}/revoke`, {})).body.code).toBe('MANDATE_ALREADY_ENDED');
    expect((await as('broker', org.enterprise).post(`/lots/${lot}/bids`, { amountFen: '1010000', idempotencyKey: 'after-revoke' })).body.code).toBe(
      'MANDATE_NOT_ACTIVE',
    );
  });

  it('a mandate lapses after its end date (Beijing time), by the injected clock', async () => {
    const m = await as('enterprise').post('/mandates', {
      brokerOrganizationId: org.broker,
      lotIds: [otherLot],
      permissions: ['register_and_bid'],
      endsOn: today(),
      commissionRateBp: 100,
    });
    expect(m.status).toBe(201);
    const clock = api.app.get<TravelClock>(CLOCK);
    try {
      clock.travelTo(Date.now() + 86_400_000);
      expect((await as('broker', org.enterprise).post(`/lots/${otherLot}/registrations`, {})).body.code).toBe('MANDATE_NOT_ACTIVE');
      expect((await as('enterprise').get(`/mandates/${m.body.id}`)).body.status).toBe('lapsed');
      expect((await as('holder').get(`/mandates/${holderMandate}`)).body.status).toBe('lapsed');
    } finally {
      clock.reset();
    }
    expect((await as('broker', org.enterprise).get(`/lots/${otherLot}/registrations/mine`)).body.code).toBe('NOT_REGISTERED');
  });
});

import ExcelJS from 'exceljs';
import { patentCheckChar } from '../../libs/achievements/src';
import { createOrganization, createUser, login, RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { pdfPages } from '../support/pdf-text';
import { queryDatabase } from '../support/test-database';

/**
 * 成交结果 of a themed session, end to end: four live lots in one session, bid online and from the
 * auctioneer's floor console, hammered one after the other; the result is stored with the last
 * close and served as JSON, XLSX and PDF with the same totals, worked out by hand below.
 */
describe('session result (成交结果)', () => {
  let api: TestApi;
  let users: RoleUsers;
  let sessionId: string;
  let secondOnline: string; // a token
  const lots: string[] = [];
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });
  const binary = (path: string) =>
    api.http
      .get(path)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  // starting prices 100 000, 200 000, 300 000, 400 000 元 (in fen)
  const STARTS = [10_000_000n, 20_000_000n, 30_000_000n, 40_000_000n];

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    const session = await api.http
      .post('/auction-sessions')
      .set(as('platform_admin'))
      .send({ name: '2026 长三角技术成果专场', theme: 'yangtze_delta', runMode: 'sequential', startsAt: new Date(Date.now() - 60_000).toISOString() });
    expect(session.status).toBe(201);
    sessionId = session.body.id;
    for (const [i, start] of STARTS.entries()) {
      const digits = `2023105${String(Date.now() % 10000).padStart(4, '0')}${i}`;
      const achievement = await api.http
        .post('/achievements')
        .set(as('holder_admin'))
        .send({
          title: ['一种锂电池极片干法成型工艺', '高精度光纤光栅传感器', '工业废水低温膜蒸馏系统', '农田土壤重金属原位钝化剂'][i],
          technicalField: 'new_materials',
          kind: 'applied',
          publiclyFunded: false,
          obtainedOn: '2023-01-01',
          ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn: '2023-06-01' }],
        });
      expect(achievement.status).toBe(201);
      const lot = await api.http
        .post('/lots')
        .set(as('platform_admin'))
        .send({
          achievementId: achievement.body.id,
          sessionId,
          dealType: 'transfer',
          startingPriceFen: start.toString(),
          increment: { kind: 'fixed', amountFen: '1000000' },
          depositFen: '0',
          startsAt: new Date(Date.now() - 1000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          live: true,
        });
      expect(lot.status).toBe(201);
      lots.push(lot.body.id);
    }
    const second = await createOrganization(api, { type: 'enterprise', name: '第二竞买企业', regionCode: '330100', sme: true });
    secondOnline = (await login(api, await createUser(api, second, ['enterprise_admin']))).accessToken;
  });
  afterAll(async () => {
    await api?.close();
  });

  const online = async (lot: string, token: string, amountFen: bigint, key: string) => {
    const res = await api.http
      .post(`/lots/${lot}/bids`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ amountFen: amountFen.toString(), idempotencyKey: key });
    expect(res.body).toMatchObject({ status: 'accepted' });
  };
  const floor = async (lot: string, paddleNumber: number, amountFen: bigint) => {
    const res = await api.http.post(`/lots/${lot}/floor-bids`).set(as('platform_admin')).send({ paddleNumber, amountFen: amountFen.toString() });
    expect(res.body).toMatchObject({ status: 'accepted' });
  };
  const hammer = async (lot: string) => (await api.http.post(`/lots/${lot}/hammer`).set(as('platform_admin'))).body as { result: string };

  it('is stored with the last close and carries the totals worked out by hand, in JSON, XLSX and PDF', async () => {
    const e1 = users.enterprise_admin.token;
    const floorOrg = await createOrganization(api, { type: 'enterprise', name: '现场竞买企业', regionCode: '330100', sme: false });
    // every lot: the first online bidder (paddle 1), the floor bidder (paddle 2), the second online bidder (paddle 3)
    for (const lot of lots) {
      expect(
        (
          await api.http
            .post(`/lots/${lot}/registrations`)
            .set({ Authorization: `Bearer ${e1}` })
            .send({})
        ).status,
      ).toBe(201);
      expect(
        (await api.http.post(`/lots/${lot}/offline-registrations`).set(as('platform_admin')).send({ organizationId: floorOrg, bankReference: 'ICBC-0001' }))
          .status,
      ).toBe(201);
      expect(
        (
          await api.http
            .post(`/lots/${lot}/registrations`)
            .set({ Authorization: `Bearer ${secondOnline}` })
            .send({})
        ).status,
      ).toBe(201);
    }
    // lot 1 (100 000 元): online 100 000, floor 110 000, online 120 000 → sold at 120 000
    await online(lots[0], e1, 10_000_000n, 'l1a');
    await floor(lots[0], 2, 11_000_000n);
    await online(lots[0], e1, 12_000_000n, 'l1b');
    expect(await hammer(lots[0])).toMatchObject({ result: 'sold' });
    // not closed yet: 409 with a code
    const early = await api.http.get(`/auction-sessions/${sessionId}/result`);
    expect([early.status, early.body.code]).toEqual([409, 'SESSION_NOT_CLOSED']);
    expect((await api.http.get(`/auction-sessions/${sessionId}/result.pdf`)).status).toBe(409);
    // lot 2 (200 000 元): one online bid at the start → sold at 200 000
    await online(lots[1], secondOnline, 20_000_000n, 'l2a');
    expect(await hammer(lots[1])).toMatchObject({ result: 'sold' });
    // lot 3 (300 000 元): floor 300 000, online 310 000, floor 320 000, online 330 000 → sold at 330 000
    await floor(lots[2], 2, 30_000_000n);
    await online(lots[2], secondOnline, 31_000_000n, 'l3a');
    await floor(lots[2], 2, 32_000_000n);
    await online(lots[2], e1, 33_000_000n, 'l3b');
    expect(await hammer(lots[2])).toMatchObject({ result: 'sold' });
    // lot 4 (400 000 元): no bids → unsold
    expect(await hammer(lots[3])).toMatchObject({ result: 'unsold' });

    // stored by the last close, in its transaction
    const [stored] = await queryDatabase<{ hammer_total_fen: string }>(
      api.db.url,
      `SELECT hammer_total_fen::text FROM auction_session_results WHERE session_id = $1`,
      [sessionId],
    );
    expect(stored).toEqual({ hammer_total_fen: '65000000' });

    // by hand: offered 4, sold 3, unsold 1; starting total 100 000 + 200 000 + 300 000 + 400 000 = 1 000 000 元;
    // of the sold lots 600 000 元; hammer total 120 000 + 200 000 + 330 000 = 650 000 元;
    // 溢价率 = 650 000 ÷ 600 000 − 1 = 1/12 = 8.333…% → 8.33%; sell-through 3/4 = 75.00%;
    // bids: 3 + 1 + 4 = 8 (online 2 + 1 + 2 = 5, floor 1 + 0 + 2 = 3); bidders 3 (2 online, 1 on the floor)
    const res = await api.http.get(`/auction-sessions/${sessionId}/result`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sessionId,
      sessionName: '2026 长三角技术成果专场',
      lotsOffered: 4,
      lotsSold: 3,
      lotsUnsold: 1,
      lotsWithdrawn: 0,
      sellThroughPercent: '75.00',
      startingTotalFen: '100000000',
      soldStartingTotalFen: '60000000',
      hammerTotalFen: '65000000',
      premium: { numeratorFen: '5000000', denominatorFen: '60000000', percent: '8.33' },
      bidders: 3,
      onlineBidders: 2,
      floorBidders: 1,
      bids: 8,
      onlineBids: 5,
      proxyBids: 0,
      floorBids: 3,
    });
    expect(
      res.body.lots.map((l: { hammerPriceFen: string | null; premiumPercent: string | null; bids: number }) => [l.hammerPriceFen, l.premiumPercent, l.bids]),
    ).toEqual([
      ['12000000', '20.00', 3],
      ['20000000', '0.00', 1],
      ['33000000', '10.00', 4],
      [null, null, 0],
    ]);

    // the XLSX, read back: the same totals
    const xlsx = await binary(`/auction-sessions/${sessionId}/result.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const figures = new Map<string, string>();
    wb.getWorksheet('成交结果')!.eachRow((row) => figures.set(String(row.getCell(1).value), String(row.getCell(2).value)));
    expect(
      Object.fromEntries(
        ['lotsOffered', 'lotsSold', 'startingTotalFen', 'soldStartingTotalFen', 'hammerTotalFen', 'premiumPercent', 'bids', 'floorBids'].map((k) => [
          k,
          figures.get(k),
        ]),
      ),
    ).toEqual({
      lotsOffered: '4',
      lotsSold: '3',
      startingTotalFen: '100000000',
      soldStartingTotalFen: '60000000',
      hammerTotalFen: '65000000',
      premiumPercent: '8.33',
      bids: '8',
      floorBids: '3',
    });
    expect(figures.get('溢价率')).toBe('8.33%');
    expect(figures.get('成交价总额')).toBe('650,000.00 元');
    expect(wb.getWorksheet('标的明细')!.rowCount).toBe(5);

    // the PDF: the same totals, the per-lot table, page i of n on every page
    const pdf = await binary(`/auction-sessions/${sessionId}/result.pdf`);
    expect([pdf.status, pdf.headers['content-type']]).toEqual([200, 'application/pdf']);
    const pages = await pdfPages(pdf.body as Buffer);
    pages.forEach((p, i) => expect(p.replace(/\s+/g, '')).toContain(`第${i + 1}页/共${pages.length}页`));
    const text = pages.join('\n').replace(/\s+/g, '');
    for (const t of [
      '1,000,000.00元',
      '600,000.00元',
      '650,000.00元',
      '8.33%',
      '75.00%',
      '3家（网上2，现场1）',
      '8次（网上5，代理0，现场3）',
      '工业废水低温膜蒸馏系统',
      '330,000.00',
      '流拍（无人出价）',
    ])
      expect(text).toContain(t);

    // the administrators' recomputation gives the same figures; others may not ask for it
    expect((await api.http.post(`/auction-sessions/${sessionId}/result/recomputation`).set(as('enterprise_admin'))).status).toBe(403);
    expect((await api.http.post(`/auction-sessions/${sessionId}/result/recomputation`)).status).toBe(401);
    const again = await api.http.post(`/auction-sessions/${sessionId}/result/recomputation`).set(as('platform_admin'));
    expect(again.status).toBe(200);
    expect({ ...again.body, computedAt: null }).toEqual({ ...res.body, computedAt: null });
  });

  it('answers 404 for an unknown or draft session, 409 for one without lots, and 400 for a malformed id', async () => {
    const unknown = await api.http.get('/auction-sessions/0190f3a4-0000-7000-8000-000000000000/result');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'SESSION_NOT_FOUND']);
    expect((await api.http.get('/auction-sessions/0190f3a4-0000-7000-8000-000000000000/result.xlsx')).status).toBe(404);
    const bad = await api.http.get('/auction-sessions/not-a-uuid/result');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toEqual(expect.any(String));
    const draft = await api.http
      .post('/auction-sessions')
      .set(as('platform_admin'))
      .send({ name: '筹备中的专场', theme: 'regular', runMode: 'sequential', startsAt: new Date(Date.now() + 86_400_000).toISOString(), draft: true });
    expect((await api.http.get(`/auction-sessions/${draft.body.id}/result`)).status).toBe(404);
    const empty = await api.http
      .post('/auction-sessions')
      .set(as('platform_admin'))
      .send({ name: '空专场', theme: 'regular', runMode: 'sequential', startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const none = await api.http.get(`/auction-sessions/${empty.body.id}/result`);
    expect([none.status, none.body.code]).toEqual([409, 'SESSION_HAS_NO_LOTS']);
  });
});

import { DataSource } from 'typeorm';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { insertAchievement } from '../support/registry-factory';

/** Issue 18: a registry joining with years of history records it, and P-2Y / P-3Y are judged from it as of today. */
describe('recorded history of an achievement, through the API', () => {
  let api: TestApi;
  let users: RoleUsers;
  let ds: DataSource;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });
  const doc = { name: '合同.pdf', mediaType: 'application/pdf', sizeBytes: 1024, sha256: 'a'.repeat(64) };
  /** Obtained 2020-01-01, IP granted 2020-06-01: idle since, so free-licence eligible (P-3Y) on 2026-12-05. */
  const idlePatent = () => insertAchievement(ds, users.holder_admin.organizationId, { grants: [{ grantedOn: '2020-06-01' }] });
  const post = (path: string, body: object, role: keyof RoleUsers = 'holder_admin') => api.http.post(path).set(as(role)).send(body);

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    ds = api.app.get(DataSource);
    api.app.get<TravelClock>(CLOCK).travelTo('2026-12-05T02:00:00Z');
  });
  afterAll(() => api.close());

  it('records the registration date, with documents, and judges P-REG timeliness against it', async () => {
    const id = await idlePatent();
    const res = await post(`/achievements/${id}/history/registration`, { registeredOn: '2020-01-20', documents: [doc] });
    expect(res.status).toBe(201);
    expect(res.body.entries).toEqual([expect.objectContaining({ kind: 'registration', date: '2020-01-20', documents: [doc], recordedBy: expect.any(String) })]);
    expect(res.body.ruleState).toBe('free_license_eligible'); // computed as of today from the recorded history
    const [row] = await ds.query(
      `SELECT to_char(registered_on, 'YYYY-MM-DD') AS registered_on, registered_on <= obtained_on + 30 AS on_time FROM achievements WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ registered_on: '2020-01-20', on_time: true });
  });

  it('clears P-2Y / P-3Y with a transformation that took effect in the past, and says who recorded it in the audit log', async () => {
    const id = await idlePatent();
    const res = await post(`/achievements/${id}/history/transformations`, {
      kind: 'license',
      licenseType: 'exclusive',
      tookEffectOn: '2021-03-01',
      contractReference: '技术合同登记号 3301062021000123',
      counterparty: '杭州某科技有限公司',
      documents: [doc],
    });
    expect(res.status).toBe(201);
    expect(res.body.ruleState).toBe('clear');
    expect(res.body.entries).toEqual([
      expect.objectContaining({ kind: 'transformation', date: '2021-03-01', detail: 'license', reference: '技术合同登记号 3301062021000123' }),
    ]);
    const audit = await ds.query(
      `SELECT action, actor_user_id IS NOT NULL AS by_someone, data->>'recordedHistory' AS recorded FROM audit_log WHERE subject_id = $1`,
      [id],
    );
    expect(audit).toEqual([{ action: 'history.transformation_recorded', by_someone: true, recorded: 'true' }]);
  });

  it('suspends with a justification whose recorded period runs today, and not with one that ended', async () => {
    const ended = await idlePatent();
    const past = await post(`/achievements/${ended}/history/justifications`, {
      category: 'negotiation_in_progress',
      explanation: '与企业谈判',
      startsOn: '2022-07-01',
      endsOn: '2023-06-30',
      documents: [doc],
    });
    expect([past.status, past.body.ruleState]).toEqual([201, 'free_license_eligible']);
    const running = await idlePatent();
    const current = await post(
      `/achievements/${running}/history/justifications`,
      { category: 'litigation_or_dispute', explanation: '权属诉讼中', startsOn: '2024-01-01', endsOn: '2027-06-30', documents: [doc] },
      'platform_admin',
    );
    expect([current.status, current.body.ruleState]).toEqual([201, 'suspended']);
    const listed = await api.http.get(`/achievements/${running}/history`).set(as('holder_member'));
    expect(listed.body.entries).toEqual([
      expect.objectContaining({ kind: 'justification', date: '2024-01-01', until: '2027-06-30', detail: 'litigation_or_dispute' }),
    ]);
  });

  it('refuses dates in the future or before the IP right existed, and a record without documents, changing nothing', async () => {
    const id = await idlePatent();
    const cases: [string, object, string, string][] = [
      ['registration', { registeredOn: '2026-12-06', documents: [doc] }, 'registeredOn', 'inFuture'],
      ['registration', { registeredOn: '2019-12-31', documents: [doc] }, 'registeredOn', 'beforeIpRight'],
      ['transformations', { kind: 'transfer', tookEffectOn: '2020-05-31', contractReference: 'X', documents: [doc] }, 'tookEffectOn', 'beforeIpRight'],
      ['transformations', { kind: 'transfer', tookEffectOn: '2027-01-01', contractReference: 'X', documents: [doc] }, 'tookEffectOn', 'inFuture'],
      ['transformations', { kind: 'transfer', tookEffectOn: '2021-01-01', contractReference: 'X', documents: [] }, 'documents', 'arrayMinSize'],
      ['justifications', { category: 'other', explanation: 'x', startsOn: '2023-01-01', endsOn: '2022-12-31', documents: [doc] }, 'endsOn', 'endsBeforeStart'],
      ['justifications', { category: 'other', explanation: 'x', startsOn: '2026-12-06', endsOn: '2027-12-31', documents: [doc] }, 'startsOn', 'inFuture'],
    ];
    for (const [path, body, field, code] of cases) {
      const res = await post(`/achievements/${id}/history/${path}`, body);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    }
    const after = await api.http.get(`/achievements/${id}/history`).set(as('holder_admin'));
    expect(after.body.entries).toEqual([]);
    expect((await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1`, [id]))[0].n).toBe(0);
  });

  it("lets only the holder's administrator or the operator record, and hides another holder's achievement", async () => {
    const id = await idlePatent();
    const body = { registeredOn: '2020-01-20', documents: [doc] };
    expect((await post(`/achievements/${id}/history/registration`, body, 'holder_member')).status).toBe(403);
    expect((await post(`/achievements/${id}/history/registration`, body, 'enterprise_admin')).status).toBe(403);
    expect((await post(`/achievements/${id}/history/registration`, body, 'authority_admin')).status).toBe(403);
    const other = await insertAchievement(ds, users.enterprise_admin.organizationId); // not the holder's: out of its boundary
    const res = await post(`/achievements/${other}/history/registration`, body);
    expect([404, 403]).toContain(res.status);
    expect((await ds.query(`SELECT registration_recorded_at FROM achievements WHERE id = $1`, [id]))[0].registration_recorded_at).toBeNull();
  });
});

import { JwtService } from '@nestjs/jwt';
import { ROLES } from '../../libs/platform/src';
import { createOrganization, createUser, login, PASSWORD, startApi, TestApi, usersOfEveryRole } from '../support/api';

describe('sign-in, refresh and logout over HTTP', () => {
  let api: TestApi;
  let users: Awaited<ReturnType<typeof usersOfEveryRole>>;

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
  });
  afterAll(() => api.close());

  it.each(ROLES.map((r) => [r]))('logs in a %s and reports the role, never the password hash', async (role) => {
    const res = await api.http.post('/auth/login').send({ email: users[role].email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.roles).toEqual([role]);
    expect(res.body.user.organizationId).toBe(users[role].organizationId);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash/);
    const me = await api.http.get('/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(users[role].email);
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrong = await api.http.post('/auth/login').send({ email: users.broker.email, password: 'not-the-password1' });
    const unknown = await api.http.post('/auth/login').send({ email: 'nobody@test.example', password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'INVALID_CREDENTIALS', message: expect.any(String), requestId: expect.any(String) });
    expect({ ...unknown.body, requestId: 'each its own' }).toEqual({ ...wrong.body, requestId: 'each its own' });
  });

  it('matches the email case-insensitively', async () => {
    const res = await api.http.post('/auth/login').send({ email: users.broker.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
  });

  it('rotates the refresh token, and a reused one revokes the whole session', async () => {
    const first = await login(api, users.holder_member.email);
    const second = await api.http.post('/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);

    const replay = await api.http.post('/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');

    // the thief's replay ended the session for the legitimate holder too
    const after = await api.http.post('/auth/refresh').send({ refreshToken: second.body.refreshToken });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_ENDED');
    const me = await api.http.get('/auth/me').set('Authorization', `Bearer ${second.body.accessToken}`);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SESSION_REVOKED');
  });

  it('lets only one of two concurrent refreshes with the same token succeed', async () => {
    const { refreshToken } = await login(api, users.enterprise_member.email);
    const results = await Promise.all([1, 2, 3].map(() => api.http.post('/auth/refresh').send({ refreshToken })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(2);
  });

  it('refuses a made-up refresh token', async () => {
    const res = await api.http.post('/auth/refresh').send({ refreshToken: 'x'.repeat(43) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('logout ends the session: the access token and the refresh token stop working at once', async () => {
    const { accessToken, refreshToken } = await login(api, users.enterprise_admin.email);
    const out = await api.http.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`);
    expect(out.status).toBe(204);
    const me = await api.http.get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SESSION_REVOKED');
    const refreshed = await api.http.post('/auth/refresh').send({ refreshToken });
    expect(refreshed.status).toBe(401);
  });

  it('refuses a tampered or foreign-signed access token', async () => {
    const { accessToken } = await login(api, users.broker.email);
    const [h, p, s] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['platform_admin'] })).toString('base64url');
    const res = await api.http.get('/organizations').set('Authorization', `Bearer ${h}.${forged}.${s}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
    // the same claims signed with another secret, with another algorithm, or not signed at all
    const admin = { ...claims, roles: ['platform_admin'] };
    const foreign = [
      new JwtService({ secret: 'another-secret-of-at-least-32-characters!!' }).sign(admin, { algorithm: 'HS256' }),
      new JwtService({ secret: api.config.JWT_SECRET }).sign(admin, { algorithm: 'HS512' }),
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${forged}.`,
    ];
    for (const token of foreign) {
      const refused = await api.http.get('/organizations').set('Authorization', `Bearer ${token}`);
      expect([refused.status, refused.body.code]).toEqual([401, 'INVALID_TOKEN']);
    }
    // and the genuine token still works
    expect((await api.http.get('/auth/me').set('Authorization', `Bearer ${accessToken}`)).status).toBe(200);
  });

  it('refuses a disabled account', async () => {
    const org = await createOrganization(api, { type: 'broker', name: 'disabled-broker', regionCode: '330100' });
    const email = await createUser(api, org, ['broker']);
    await api.app.get(require('typeorm').DataSource).query(`UPDATE users SET active = false WHERE email = $1`, [email]);
    const res = await api.http.post('/auth/login').send({ email, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });
});

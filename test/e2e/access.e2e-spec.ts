import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, ORG_SCOPE_METADATA, ROLES, SOCKET_LISTENER_METADATA, type Role } from '../../libs/platform/src';
import { startApi, TestApi, usersOfEveryRole } from '../support/api';

describe('access control: every endpoint declares who may call it, default deny', () => {
  let api: TestApi;
  let users: Awaited<ReturnType<typeof usersOfEveryRole>>;

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
  });
  afterAll(() => api.close());

  it('declares an access rule and an organisation rule on every HTTP route and socket event', () => {
    const discovery = api.app.get(DiscoveryService);
    const scanner = api.app.get(MetadataScanner);
    const reflector = api.app.get(Reflector);
    const undeclared: string[] = [];
    const noOrgScope: string[] = [];
    let checked = 0;
    for (const wrapper of [...discovery.getControllers(), ...discovery.getProviders()]) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = (proto as Record<string, unknown>)[name] as () => unknown;
        const isRoute = Reflect.getMetadata('path', handler) !== undefined;
        // socket events: Nest's @SubscribeMessage, and the plain listeners of the hot path (@SocketListener)
        const isEvent =
          Reflect.getMetadata('websockets:message_mapping', handler) === true || Reflect.getMetadata(SOCKET_LISTENER_METADATA, handler) !== undefined;
        if (!isRoute && !isEvent) continue;
        checked++;
        const rule = reflector.getAllAndOverride(ACCESS_METADATA, [handler, wrapper.metatype as () => unknown]);
        if (!rule) undeclared.push(`${wrapper.name}.${name}`);
        if (!reflector.get(ORG_SCOPE_METADATA, handler)) noOrgScope.push(`${wrapper.name}.${name}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(undeclared).toEqual([]);
    // @OrgScope.none() / .owned(resource) / .filtered(resource), see libs/platform/src/auth/org-scope.decorators.ts
    expect(noOrgScope).toEqual([]);
  });

  it('refuses calls without a token on protected routes with 401', async () => {
    const res = await api.http.get('/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  const newOrg = { type: 'broker', name: 'new broker', regionCode: '330100' };
  const notAdmins = ROLES.filter((r) => r !== 'platform_admin');

  // an authority administrator creates holders, enterprises and brokers of its region (test/e2e/subsidy-admin.e2e-spec.ts)
  it.each(notAdmins.filter((r) => r !== 'authority_admin').map((r) => [r]))(
    'gives a %s 403 FORBIDDEN_ROLE for creating an organisation, and creates nothing',
    async (role) => {
      const res = await api.http
        .post('/organizations')
        .set('Authorization', `Bearer ${users[role as Role].token}`)
        .send({ ...newOrg, name: `by ${role}` });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN_ROLE');
      const rows = await api.app.get(require('typeorm').DataSource).query(`SELECT 1 FROM organizations WHERE name = $1`, [`by ${role}`]);
      expect(rows).toHaveLength(0);
    },
  );

  it.each(notAdmins.map((r) => [r]))('gives a %s 403 for broadcasting an announcement', async (role) => {
    const res = await api.http
      .post('/realtime/announcements')
      .set('Authorization', `Bearer ${users[role as Role].token}`)
      .send({ message: 'hi' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN_ROLE');
  });

  it.each(['holder_member', 'enterprise_member', 'broker', 'authority_admin'] as Role[])(
    'gives a %s 403 for listing users of an organisation',
    async (role) => {
      const res = await api.http.get(`/organizations/${users[role].organizationId}/users`).set('Authorization', `Bearer ${users[role].token}`);
      expect(res.status).toBe(403);
    },
  );

  it('lets the platform administrator create an organisation', async () => {
    const res = await api.http.post('/organizations').set('Authorization', `Bearer ${users.platform_admin.token}`).send(newOrg);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'broker', name: 'new broker', regionCode: '330100', regionName: '杭州市' });
  });

  it("keeps an organisation's admin inside its own organisation", async () => {
    const holderAdmin = users.holder_admin;
    const own = await api.http
      .post(`/organizations/${holderAdmin.organizationId}/users`)
      .set('Authorization', `Bearer ${holderAdmin.token}`)
      .send({ email: 'colleague@test.example', displayName: '同事', password: 'Password-1234', roles: ['holder_member'] });
    expect(own.status).toBe(201);

    const foreign = await api.http
      .post(`/organizations/${users.enterprise_admin.organizationId}/users`)
      .set('Authorization', `Bearer ${holderAdmin.token}`)
      .send({ email: 'intruder@test.example', displayName: '入侵', password: 'Password-1234', roles: ['enterprise_admin'] });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('ORGANIZATION_BOUNDARY');

    const readForeign = await api.http.get(`/organizations/${users.enterprise_admin.organizationId}`).set('Authorization', `Bearer ${holderAdmin.token}`);
    expect(readForeign.status).toBe(403);
    const readOwn = await api.http.get(`/organizations/${holderAdmin.organizationId}`).set('Authorization', `Bearer ${holderAdmin.token}`);
    expect(readOwn.status).toBe(200);
  });

  it('refuses to give a role that does not belong to the organisation type', async () => {
    const res = await api.http
      .post(`/organizations/${users.enterprise_admin.organizationId}/users`)
      .set('Authorization', `Bearer ${users.enterprise_admin.token}`)
      .send({ email: 'sneaky@test.example', displayName: 'x', password: 'Password-1234', roles: ['platform_admin'] });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'roles', code: 'roleNotForOrganization' })]);
  });
});

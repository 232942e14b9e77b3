import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { CreateOrganizationDto, OrganizationsService, UsersService } from '../../libs/identity/src';
import type { AppConfig, Role } from '../../libs/platform/src';
import { testConfig } from './config';
import { createTestDatabase, TestDatabase } from './test-database';

export const PASSWORD = 'Password-1234';

export interface TestApi {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  url: string;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The API as production builds it, on its own database, listening on a free port. */
export async function startApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const config = testConfig(db.url, overrides);
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    config,
    db,
    url,
    http: request(url),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

let counter = 0;

/** Creates an organisation through the real service. */
export async function createOrganization(api: TestApi, dto: CreateOrganizationDto): Promise<string> {
  return (await api.app.get(OrganizationsService).create(null, dto)).id;
}

/** Creates a user through the real service and returns its email. */
export async function createUser(api: TestApi, organizationId: string, roles: Role[]): Promise<string> {
  const email = `user${++counter}-${Date.now()}@test.example`;
  await api.app.get(UsersService).create(null, organizationId, { email, displayName: 'Test User', password: PASSWORD, roles });
  return email;
}

export async function login(api: TestApi, email: string, password = PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await api.http.post('/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string };
}

/** One user of every role, each in an organisation of the matching type. */
export type RoleUsers = Record<Role, { email: string; organizationId: string; token: string }>;

export async function usersOfEveryRole(api: TestApi): Promise<RoleUsers> {
  const orgs = {
    authority: await createOrganization(api, { type: 'authority', name: `省科技厅-${counter}`, regionCode: '330000', authorityLevel: 'province' }),
    holder: await createOrganization(api, {
      type: 'holder',
      name: `大学-${counter}`,
      regionCode: '330106',
      holderCategory: 'university',
      highLevelPlatform: true,
    }),
    enterprise: await createOrganization(api, { type: 'enterprise', name: `企业-${counter}`, regionCode: '330603', sme: true }),
    broker: await createOrganization(api, { type: 'broker', name: `经纪-${counter}`, regionCode: '330100' }),
  };
  const plan: [Role, keyof typeof orgs][] = [
    ['platform_admin', 'authority'],
    ['authority_admin', 'authority'],
    ['holder_admin', 'holder'],
    ['holder_member', 'holder'],
    ['enterprise_admin', 'enterprise'],
    ['enterprise_member', 'enterprise'],
    ['broker', 'broker'],
  ];
  const out = {} as Record<Role, { email: string; organizationId: string; token: string }>;
  for (const [role, org] of plan) {
    const email = await createUser(api, orgs[org], [role]);
    out[role] = { email, organizationId: orgs[org], token: (await login(api, email)).accessToken };
  }
  return out;
}

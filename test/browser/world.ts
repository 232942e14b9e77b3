import request from 'supertest';
import { patentCheckChar } from '../../libs/achievements/src';
import { testEnv } from '../support/config';
import { runProcess, startProcess, type RunningProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startStripeServer, type StripeServer } from '../stripe-server/stripe-server';

export const PASSWORD = 'Password-1234';

/**
 * The real stack for browser tests: the built API (serving the built web app at /) and worker as
 * OS processes, PostgreSQL, Redis and the local Stripe-speaking server with signed webhooks; a
 * platform administrator, a university and two enterprises.
 */
export interface MarketWorld {
  url: string;
  db: TestDatabase;
  stripe: StripeServer;
  api: RunningProcess;
  worker: RunningProcess;
  tokens: Record<string, string>;
  emails: Record<string, string>;
  http(who: string): { get(path: string): request.Test; post(path: string, body?: object): request.Test };
  /** An achievement (registered on creation) of the university, with one granted invention patent. */
  achievement(title: string, keywords: string[], digits: string): Promise<string>;
  /** An open online auction of that achievement, ending in `endsInMs`. */
  lot(achievementId: string, endsInMs: number, options?: { extensionMinutes?: number; proxyAllowed?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<MarketWorld> {
  const db = await createTestDatabase();
  const stripe = await startStripeServer({ port: 0, webhookSecret: 'whsec_e2e_secret' });
  const env = testEnv(db.url, {
    LOG_LEVEL: 'warn',
    STRIPE_API_BASE: stripe.url,
    STRIPE_SECRET_KEY: 'sk_test_e2e',
    STRIPE_WEBHOOK_SECRET: 'whsec_e2e_secret',
  });
  const [api, worker] = await Promise.all([
    startProcess('apps/api/src/main.js', env, /api listening on (http:\/\/\S+)/),
    startProcess('apps/worker/src/main.js', env, /worker started/),
  ]);
  const url = api.match[1];
  stripe.setWebhookUrl(`${url}/payments/stripe/webhook`);
  const tokens: Record<string, string> = {};
  const emails: Record<string, string> = {};
  const http = (who: string) => ({
    get: (path: string) => request(url).get(path).set('Authorization', `Bearer ${tokens[who]}`),
    post: (path: string, body: object = {}) => request(url).post(path).set('Authorization', `Bearer ${tokens[who]}`).send(body),
  });
  await runProcess('apps/api/src/cli/create-admin.js', ['--email', 'admin@browser.example', '--password', PASSWORD], env);
  const login = async (email: string) => (await request(url).post('/auth/login').send({ email, password: PASSWORD })).body.accessToken as string;
  tokens.admin = await login('admin@browser.example');
  const org = async (body: object) => {
    const answer = await http('admin').post('/organizations', body);
    if (answer.status !== 201) throw new Error(`organisation: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.id as string;
  };
  const user = async (orgId: string, who: string, displayName: string, role: string) => {
    emails[who] = `${who}@browser.example`;
    const answer = await http('admin').post(`/organizations/${orgId}/users`, { email: emails[who], displayName, password: PASSWORD, roles: [role] });
    if (answer.status !== 201) throw new Error(`user: ${answer.status} ${JSON.stringify(answer.body)}`);
    tokens[who] = await login(emails[who]);
  };
  const holder = await org({ type: 'holder', name: '浙江示范大学', regionCode: '330106', holderCategory: 'university', highLevelPlatform: true });
  await user(holder, 'holder', '成果管理员', 'holder_admin');
  await user(await org({ type: 'enterprise', name: '绍兴示范纺织科技有限公司', regionCode: '330603', sme: true }), 'e1', '纺织公司总经理', 'enterprise_admin');
  await user(
    await org({ type: 'enterprise', name: '宁波示范新材料股份有限公司', regionCode: '330212', sme: true }),
    'e2',
    '新材料公司总经理',
    'enterprise_admin',
  );

  return {
    url,
    db,
    stripe,
    api,
    worker,
    tokens,
    emails,
    http,
    async achievement(title, keywords, digits) {
      const created = await http('holder').post('/achievements', {
        title,
        abstract: `${title}：示范成果，用于浏览器测试。`,
        technicalField: 'new_materials',
        kind: 'applied',
        publiclyFunded: true,
        obtainedOn: '2024-01-01',
        keywords,
        ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn: '2024-06-01' }],
      });
      if (created.status !== 201) throw new Error(`achievement: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.id as string;
    },
    async lot(achievementId, endsInMs, options = {}) {
      const created = await http('holder').post('/lots', {
        achievementId,
        dealType: 'transfer',
        startingPriceFen: '1000000',
        increment: { kind: 'fixed', amountFen: '50000' },
        depositFen: '100000',
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + endsInMs).toISOString(),
        extensionMinutes: options.extensionMinutes ?? 1,
        proxyAllowed: options.proxyAllowed ?? true,
      });
      if (created.status !== 201) throw new Error(`lot: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.id as string;
    },
    async close() {
      await Promise.all([api.stop(), worker.stop()]);
      await stripe.close();
      await db.drop();
    },
  };
}

/*
 * Loads the demo data (README "Demo accounts"). Idempotent: what exists already is kept, so the
 * demo command can run again on the same database.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock, CLOCK, LocalDate, newId, todayInShanghai } from '@zjp/core';
import { AchievementsModule, IdleScanService, patentCheckChar } from '@zjp/achievements';

import { DatabaseModule } from '@zjp/database';
import { IdentityModule, OrganizationsService, UsersService } from '@zjp/identity';
import { MarketModule } from '@zjp/market';
import { PaymentsModule } from '@zjp/payments';
import { loadConfigOrExit, PlatformConfigModule, type Principal, QueueProducersModule, RedisModule, type Role } from '@zjp/platform';
import { RealtimeModule } from '@zjp/realtime';
import { DataSource } from 'typeorm';
import { parsePolicyDocument, policyTermsToDocument } from '@zjp/subsidies';
import { DEMO_ACHIEVEMENTS, DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_SUBSIDY_POLICIES, DEMO_USERS } from './demo-data';
import { seedDemoMarket } from './demo-market';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.NODE_ENV === 'production' && process.env.ZJP_DEMO !== '1') {
    // the demo accounts' password is published in the README: never in a production database by accident
    process.stderr.write(
      'db:seed refuses NODE_ENV=production: the demo accounts have a published password. Set ZJP_DEMO=1 for a demonstration installation.\n',
    );
    process.exit(78);
  }
  @Module({
    imports: [
      PlatformConfigModule.forRoot(config),
      RedisModule,
      DatabaseModule.forRoot(config),
      QueueProducersModule,
      RealtimeModule,
      IdentityModule,
      AchievementsModule,
      PaymentsModule,
      MarketModule,
    ],
  })
  class SeedModule {}
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error'] });
  const db = app.get(DataSource);
  const counts = { organizations: 0, users: 0, achievements: 0 };
  try {
    const orgIds = new Map<string, string>();
    for (const { key, ...dto } of DEMO_ORGANIZATIONS) {
      const rows = (await db.query(`SELECT id FROM organizations WHERE type = $1 AND lower(name) = lower($2)`, [dto.type, dto.name])) as { id: string }[];
      if (rows[0]) {
        orgIds.set(key, rows[0].id);
        continue;
      }
      orgIds.set(key, (await app.get(OrganizationsService).create(null, dto)).id);
      counts.organizations++;
    }
    for (const user of DEMO_USERS) {
      const exists = (await db.query(`SELECT 1 FROM users WHERE lower(email) = $1`, [user.email])) as unknown[];
      if (exists.length) continue;
      await app
        .get(UsersService)
        .create(null, orgIds.get(user.org)!, { email: user.email, displayName: user.displayName, roles: user.roles, password: DEMO_PASSWORD });
      counts.users++;
    }
    for (const a of DEMO_ACHIEVEMENTS) {
      const holderId = orgIds.get(a.holder)!;
      const exists = (await db.query(`SELECT 1 FROM achievements WHERE holder_id = $1 AND title = $2`, [holderId, a.title])) as unknown[];
      if (exists.length) continue;
      const id = newId();
      const registeredOn = LocalDate.parse(a.obtainedOn).plusDays(10).toString();
      await db.query(
        `INSERT INTO achievements (id, holder_id, title, abstract, technical_field, kind, publicly_funded, obtained_on, keywords,
                                   asking_price_fen, ipc_classes, maturity, inventors, registration_status, registered_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pilot', '{张三,李四}', 'registered', $12)`,
        [
          id,
          holderId,
          a.title,
          a.abstract,
          a.technicalField,
          a.kind,
          a.publiclyFunded,
          a.obtainedOn,
          a.keywords,
          a.askingPriceFen?.toString() ?? null,
          a.ipcClasses,
          registeredOn,
        ],
      );
      for (const p of a.patents) {
        const type = { '1': 'invention_patent', '2': 'utility_model', '3': 'design_patent' }[p.digits[4]];
        await db.query(`INSERT INTO ip_rights (achievement_id, type, number, granted_on) VALUES ($1, $2, $3, $4) ON CONFLICT (number) DO NOTHING`, [
          id,
          type,
          `ZL${p.digits}.${patentCheckChar(p.digits)}`,
          p.grantedOn,
        ]);
      }
      counts.achievements++;
    }
    // Subsidy policies of the demo authorities (P-SUB, P-DON), as their administrators would create them.
    let policies = 0;
    for (const { authority, document } of DEMO_SUBSIDY_POLICIES) {
      const authorityId = orgIds.get(authority)!;
      const exists = (await db.query(`SELECT 1 FROM subsidy_policies WHERE authority_id = $1 AND document_number = $2`, [
        authorityId,
        document.documentNumber,
      ])) as unknown[];
      if (exists.length) continue;
      const [org] = (await db.query(`SELECT authority_level, region_code FROM organizations WHERE id = $1`, [authorityId])) as {
        authority_level: 'province' | 'city' | 'county';
        region_code: string;
      }[];
      const parsed = parsePolicyDocument(document, { level: org.authority_level, regionCode: org.region_code });
      if ('errors' in parsed) throw new Error(`demo policy ${document.documentNumber}: ${JSON.stringify(parsed.errors)}`);
      const canonical = policyTermsToDocument(parsed.terms, { name: document.name, documentNumber: document.documentNumber, budgetFen: parsed.budgetFen });
      const id = newId();
      await db.query(`INSERT INTO subsidy_policies (id, authority_id, kind, document_number, budget_fen) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        authorityId,
        canonical.kind,
        canonical.documentNumber,
        canonical.budgetFen,
      ]);
      await db.query(
        `INSERT INTO subsidy_policy_versions (policy_id, version, name, effective_from, effective_to, document, change_reason) VALUES ($1, 1, $2, $3, $4, $5, 'demo data')`,
        [id, canonical.name, canonical.effectiveFrom, canonical.effectiveTo ?? null, JSON.stringify(canonical)],
      );
      policies++;
    }
    process.stdout.write(`seed: added ${policies} subsidy policies\n`);
    // Apply P-2Y / P-3Y for today, as the nightly scan would, so the demo shows the use-first list.
    const scan = await app.get(IdleScanService).scan(todayInShanghai(app.get<Clock>(CLOCK)));
    process.stdout.write(`seed: idle-IP scan for ${scan.scanDate} changed ${scan.changed} achievement(s)\n`);
    // The market: sessions, lots, registrations and bids through the market's services (demo-market.ts).
    const principalOf = async (email: string): Promise<Principal> => {
      const [u] = (await db.query(
        `SELECT u.id, u.organization_id, u.roles, o.type FROM users u JOIN organizations o ON o.id = u.organization_id WHERE lower(u.email) = $1`,
        [email],
      )) as { id: string; organization_id: string; roles: Role[]; type: Principal['organizationType'] }[];
      return { userId: u.id, organizationId: u.organization_id, organizationType: u.type, roles: u.roles, sessionId: 'demo-seed' };
    };
    await seedDemoMarket(
      app,
      {
        operator: await principalOf('admin@zjp.example'),
        enterprises: {
          textile: await principalOf('enterprise-admin@textile.example'),
          biotech: await principalOf('enterprise-admin@biotech.example'),
          materials: await principalOf('enterprise-admin@materials.example'),
        },
      },
      (line) => process.stdout.write(`${line}\n`),
    );
    process.stdout.write(
      `seed: added ${counts.organizations} organisations, ${counts.users} users, ${counts.achievements} achievements (password for every demo account: ${DEMO_PASSWORD})\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/*
 * Creates the first platform administrator (and the operator's organisation when missing):
 *   npm run admin:create -- --email admin@example.cn --password '…' [--name 管理员]
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DatabaseModule } from '@zjp/database';
import { CreateUserDto, IdentityModule, OrganizationsService, UsersService } from '@zjp/identity';
import { loadConfigOrExit, PlatformConfigModule, RedisModule } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';

export const OPERATOR_NAME = '浙江省技术市场（浙江拍运营中心）';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
  const dto = plainToInstance(CreateUserDto, {
    email: values.email,
    password: values.password,
    displayName: values.name ?? '平台管理员',
    roles: ['platform_admin'],
  });
  const problems = await validate(dto);
  if (problems.length) {
    process.stderr.write(`usage: npm run admin:create -- --email <email> --password <at least 10 chars, a letter and a digit> [--name <name>]\n`);
    process.stderr.write(problems.map((p) => `  ${p.property}: ${Object.values(p.constraints ?? {}).join('; ')}`).join('\n') + '\n');
    process.exit(64);
  }
  const config = loadConfigOrExit();
  @Module({ imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), IdentityModule] })
  class CliModule {}
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    const rows = (await app.get(DataSource).query(`SELECT id FROM organizations WHERE type = 'authority' AND name = $1`, [OPERATOR_NAME])) as { id: string }[];
    const orgId =
      rows[0]?.id ??
      (await app.get(OrganizationsService).create(null, { type: 'authority', name: OPERATOR_NAME, regionCode: '330000', authorityLevel: 'province' })).id;
    const user = await app.get(UsersService).create(null, orgId, dto);
    process.stdout.write(`created platform administrator ${user.email} (${user.id})\n`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`admin:create failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

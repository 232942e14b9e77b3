import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { patentCheckChar } from '../../libs/achievements/src';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { QUEUES } from '../../libs/platform/src';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

const HEADERS = [
  '成果名称*',
  '成果类型*',
  '技术领域*',
  '财政资金支持',
  '取得日期*',
  '登记日期',
  '行政区划代码*',
  '知识产权类型*',
  '知识产权号',
  '授权日期',
  '转化方式',
  '许可类型',
  '转化生效日期',
  '合同编号',
  '正当理由类别',
  '正当理由起始日期',
  '正当理由截止日期',
];
let serial = 0;
/** A fresh, valid invention-patent number (ZL + 12 digits + check character). */
const patent = (year = 2019) => {
  const digits = `${year}1${String((Date.now() % 10_000_000) + ++serial * 104_729)
    .slice(-7)
    .padStart(7, '0')}`;
  return `ZL${digits}.${patentCheckChar(digits)}`;
};
const row = (cells: Partial<Record<string, string>>) => HEADERS.map((h) => cells[h.replace('*', '')] ?? '');
const base = (title: string, grantedOn: string, number = patent()) => ({
  成果名称: title,
  成果类型: '应用类',
  技术领域: '新材料',
  取得日期: '2019-05-10',
  行政区划代码: '330106',
  知识产权类型: '发明专利',
  知识产权号: number,
  授权日期: grantedOn,
});
const csv = (rows: string[][]) =>
  Buffer.from(`\uFEFF${[HEADERS, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}`, 'utf8');

describe('registry import (CSV / XLSX, dry run, commit) through the API and the worker', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let users: RoleUsers;
  let otherHolder: RoleUsers['holder_admin'];
  let ds: DataSource;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });

  const upload = (file: Buffer, name: string, role: keyof RoleUsers = 'holder_admin') =>
    api.http.post('/registry-imports').set(as(role)).attach('file', file, name);
  const settle = async (id: string, until: string[]) => {
    for (let i = 0; i < 300; i++) {
      const res = await api.http.get(`/registry-imports/${id}`).set(as('holder_admin'));
      expect(res.status).toBe(200);
      if (until.includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not reach ${until.join('/')}`);
  };
  const achievements = async () =>
    (await ds.query(`SELECT count(*)::int AS n FROM achievements WHERE holder_id = $1`, [users.holder_admin.organizationId]))[0].n as number;

  beforeAll(async () => {
    api = await startApi();
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(api.config, { schedule: false }), { logger: false, abortOnError: false });
    users = await usersOfEveryRole(api);
    otherHolder = (await usersOfEveryRole(api)).holder_admin; // tokens are signed at the real time, before the travel
    ds = api.app.get(DataSource);
    for (const app of [api.app, worker]) app.get<TravelClock>(CLOCK).travelTo('2026-12-05T02:00:00Z');
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('hands out the template with the Chinese headers, as XLSX (with a sheet of instructions) and as CSV', async () => {
    const xlsx = await api.http
      .get('/registry-imports/template')
      .set(as('holder_admin'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['成果登记', '填写说明']);
    expect((book.worksheets[0].getRow(1).values as string[]).slice(1)).toEqual(HEADERS);
    const text = await api.http.get('/registry-imports/template?format=csv').set(as('holder_admin'));
    expect(text.text.startsWith(`\uFEFF${HEADERS.join(',')}`)).toBe(true);
    expect((await api.http.get('/registry-imports/template').set(as('enterprise_admin'))).status).toBe(403);
  });

  it('reports every bad cell of a dry run by row and column, writes nothing, and refuses to commit it', async () => {
    const taken = patent();
    const existing = (
      await ds.query(
        `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on) VALUES ($1, '已登记', 'other', 'applied', '2020-01-01', 'registered', '2020-01-02') RETURNING id`,
        [users.holder_admin.organizationId],
      )
    )[0].id;
    await ds.query(`INSERT INTO ip_rights (achievement_id, type, number, granted_on) VALUES ($1, 'invention_patent', $2, '2020-01-01')`, [existing, taken]);
    const dup = patent();
    const good = patent();
    const wrongCheck = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    const before = await achievements();
    const started = await upload(
      csv([
        row(base('校验位错误', '2020-06-01', wrongCheck)), // row 2
        row(base('重复一', '2020-06-01', dup)), // row 3
        row(base('重复二', '2020-06-01', dup)), // row 4: same number as row 3
        row(base('平台已有', '2020-06-01', taken)), // row 5
        row({ ...base('地区不对', '2020-06-01'), 行政区划代码: '339999' }), // row 6
        row(base('授权在未来', '2026-12-06')), // row 7
        row({ ...base('转化早于授权', '2020-06-01'), 转化方式: '转让', 转化生效日期: '2020-05-31', 合同编号: 'HT-1' }), // row 8
      ]),
      '登记库.csv',
    );
    expect(started.status).toBe(202);
    const done = await settle(started.body.id, ['invalid', 'validated']);
    expect(done.status).toBe('invalid');
    expect(done.report.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code])).toEqual([
      [2, '知识产权号', 'patentCheckDigit'],
      [4, '知识产权号', 'duplicateInFile'],
      [5, '知识产权号', 'numberTaken'],
      [6, '行政区划代码', 'unknownRegion'],
      [7, '授权日期', 'inFuture'],
      [8, '转化生效日期', 'beforeGrant'],
    ]);
    expect(done.report.errors[0].message).toMatch(/^校验位错误/);
    expect([done.rowsTotal, done.rowsValid]).toEqual([7, 1]);
    expect(await achievements()).toBe(before);
    const commit = await api.http.post(`/registry-imports/${started.body.id}/commit`).set(as('holder_admin'));
    expect([commit.status, commit.body.code]).toEqual([409, 'IMPORT_NOT_VALIDATED']);
  });

  it('commits an XLSX registry in one go and says what it made idle, use-first, free-licence eligible or suspended as of today', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('成果登记');
    sheet.addRow(HEADERS);
    sheet.addRow(row({ ...base('闲置满三年', '2020-06-01'), 登记日期: '2019-05-20' }));
    sheet.addRow(row(base('闲置满两年', '2024-06-01')));
    sheet.addRow(row({ ...base('已许可', '2020-06-01'), 转化方式: '许可', 许可类型: '普通许可', 转化生效日期: '2021-03-01', 合同编号: '3301062021000123' }));
    sheet.addRow(row({ ...base('诉讼中', '2020-06-01'), 正当理由类别: '诉讼或纠纷', 正当理由起始日期: '2024-01-01', 正当理由截止日期: '2027-06-30' }));
    // An Excel date cell, as a holder's spreadsheet has it, rather than text.
    sheet.getCell('J3').value = new Date(Date.UTC(2024, 5, 1));
    const before = await achievements();
    const started = await upload(Buffer.from(await book.xlsx.writeBuffer()), '登记库.xlsx');
    const validated = await settle(started.body.id, ['invalid', 'validated']);
    expect([validated.status, validated.format, validated.report.errors]).toEqual(['validated', 'xlsx', []]);
    expect(await achievements()).toBe(before); // the dry run writes nothing
    expect((await api.http.post(`/registry-imports/${started.body.id}/commit`).set(as('holder_member'))).status).toBe(403);
    const commit = await api.http.post(`/registry-imports/${started.body.id}/commit`).set(as('holder_admin'));
    expect(commit.status).toBe(202);
    const committed = await settle(started.body.id, ['committed', 'failed', 'invalid']);
    expect(committed.status).toBe('committed');
    expect(committed.result.byRuleState).toEqual({ free_license_eligible: 1, use_first: 1, clear: 1, suspended: 1 });
    expect(committed.result.achievements.map((a: { title: string; ruleState: string }) => [a.title, a.ruleState]).sort()).toEqual([
      ['诉讼中', 'suspended'],
      ['闲置满三年', 'free_license_eligible'],
      ['闲置满两年', 'use_first'],
    ]);
    expect(await achievements()).toBe(before + 4);
    const [first] = await ds.query(`SELECT to_char(registered_on, 'YYYY-MM-DD') AS registered_on, region_code FROM achievements WHERE title = '闲置满三年'`);
    expect(first).toEqual({ registered_on: '2019-05-20', region_code: '330106' });
    const again = await api.http.post(`/registry-imports/${started.body.id}/commit`).set(as('holder_admin'));
    expect(again.status).toBe(409); // committed once only
  });

  it('reports progress while a large sheet runs as a job, and reaches 100 % of its rows', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => row(base(`批量成果-${i}`, '2025-01-01')));
    const started = await upload(csv(rows), '大批量.csv');
    await settle(started.body.id, ['validated']);
    await api.http.post(`/registry-imports/${started.body.id}/commit`).set(as('holder_admin')).expect(202);
    const seen: { rowsDone: number; rowsTotal: number; percent: number }[] = [];
    let status = 'committing';
    while (status === 'committing') {
      const res = await api.http.get(`/registry-imports/${started.body.id}`).set(as('holder_admin'));
      status = res.body.status;
      if (res.body.progress) seen.push(res.body.progress);
    }
    expect(status).toBe('committed');
    for (const p of seen) expect(p.rowsDone <= p.rowsTotal && p.percent === Math.floor((p.rowsDone * 100) / p.rowsTotal)).toBe(true);
    const job = await worker.get<Queue>(getQueueToken(QUEUES.compliance)).getJob(`registry-import-commit-${started.body.id}`);
    expect(job?.progress).toEqual({ phase: 'committing', rowsDone: 2_000, rowsTotal: 2_000, percent: 100 });
  });

  it("takes a file only as multipart/form-data, only from those who may import, and hides another holder's import", async () => {
    const json = await api.http.post('/registry-imports').set(as('holder_admin')).send({ file: 'x' });
    expect([json.status, json.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect((await upload(csv([]), 'x.csv', 'enterprise_admin')).status).toBe(403);
    expect((await upload(csv([]), 'x.csv', 'holder_member')).status).toBe(403);
    const none = await api.http.post('/registry-imports').set(as('holder_admin')).field('holderId', users.holder_admin.organizationId);
    expect([none.status, none.body.details?.[0]?.field]).toEqual([400, 'file']);
    const mine = await upload(csv([row(base('x', '2020-06-01'))]), 'x.csv');
    const other = await api.http.get(`/registry-imports/${mine.body.id}`).set({ Authorization: `Bearer ${otherHolder.token}` });
    expect([other.status, other.body.code]).toEqual([404, 'IMPORT_NOT_FOUND']);
    const commit = await api.http.post(`/registry-imports/${mine.body.id}/commit`).set({ Authorization: `Bearer ${otherHolder.token}` });
    expect([commit.status, commit.body.code]).toEqual([404, 'IMPORT_NOT_FOUND']);
    const forOther = await api.http
      .post('/registry-imports')
      .set(as('holder_admin'))
      .field('holderId', otherHolder.organizationId)
      .attach('file', csv([]), 'x.csv');
    expect([forOther.status, forOther.body.code]).toEqual([403, 'ORGANIZATION_BOUNDARY']);
  });
});

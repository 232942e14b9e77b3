import ExcelJS from 'exceljs';
import { Money } from '@zjp/core';
import { stringify } from 'csv-stringify/sync';

/** One line of a settlement batch as the finance office needs it. */
export interface SettlementLine {
  batchNumber: string;
  applicationId: string;
  enterpriseName: string;
  creditCode: string | null;
  regionCode: string;
  regionName: string | null;
  payeeAccountName: string;
  payeeBank: string;
  payeeAccountNumber: string;
  policyName: string;
  documentNumber: string;
  subject: string;
  year: number;
  baseFen: bigint;
  amountFen: bigint;
  reviewer: string;
  approver: string;
  approvedOn: string;
}

/** The columns, in order: Chinese header (what the finance office reads) and the line's value. */
export const SETTLEMENT_COLUMNS: { header: string; key: string; value: (l: SettlementLine, index: number) => string | number }[] = [
  { header: '序号', key: 'no', value: (_, i) => i + 1 },
  { header: '批次号', key: 'batch', value: (l) => l.batchNumber },
  { header: '申请编号', key: 'applicationId', value: (l) => l.applicationId },
  { header: '企业名称', key: 'enterprise', value: (l) => l.enterpriseName },
  { header: '统一社会信用代码', key: 'creditCode', value: (l) => l.creditCode ?? '' },
  { header: '地区代码', key: 'regionCode', value: (l) => l.regionCode },
  { header: '地区', key: 'region', value: (l) => l.regionName ?? '' },
  { header: '收款户名', key: 'payeeName', value: (l) => l.payeeAccountName },
  { header: '开户银行', key: 'payeeBank', value: (l) => l.payeeBank },
  { header: '银行账号', key: 'payeeAccount', value: (l) => l.payeeAccountNumber },
  { header: '政策名称', key: 'policy', value: (l) => l.policyName },
  { header: '政策文号', key: 'documentNumber', value: (l) => l.documentNumber },
  { header: '补助对象（合同登记号/投入协议号）', key: 'subject', value: (l) => l.subject },
  { header: '补助年度', key: 'year', value: (l) => l.year },
  { header: '计算基数（元）', key: 'baseYuan', value: (l) => Money.fen(l.baseFen).toYuanString() },
  { header: '补助金额（元）', key: 'amountYuan', value: (l) => Money.fen(l.amountFen).toYuanString() },
  { header: '补助金额（分）', key: 'amountFen', value: (l) => l.amountFen.toString() },
  { header: '审核人', key: 'reviewer', value: (l) => l.reviewer },
  { header: '批准人', key: 'approver', value: (l) => l.approver },
  { header: '批准日期', key: 'approvedOn', value: (l) => l.approvedOn },
];

// A cell starting with one of these is a formula to a spreadsheet (CSV injection): prefix a quote.
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180 CSV (csv-stringify), UTF-8 with a byte-order mark (so that spreadsheet programs read the Chinese), CRLF, a total line. */
export function settlementCsv(lines: readonly SettlementLine[]): Buffer {
  const total = lines.reduce((s, l) => s + l.amountFen, 0n);
  const rows = [
    SETTLEMENT_COLUMNS.map((c) => c.header),
    ...lines.map((l, i) => SETTLEMENT_COLUMNS.map((c) => c.value(l, i))),
    SETTLEMENT_COLUMNS.map((c) =>
      c.key === 'no'
        ? '合计'
        : c.key === 'amountYuan'
          ? Money.fen(total).toYuanString()
          : c.key === 'amountFen'
            ? total.toString()
            : c.key === 'enterprise'
              ? `${lines.length}笔`
              : '',
    ),
  ];
  const csv = stringify(rows, {
    bom: true,
    record_delimiter: 'windows',
    cast: { string: (text) => (FORMULA_START.test(text) ? `'${text}` : text) },
  });
  return Buffer.from(csv, 'utf8');
}

/** The same lines as an XLSX workbook: amounts as numbers with two decimals, account numbers as text. */
export async function settlementXlsx(lines: readonly SettlementLine[], meta: { batchNumber: string; authorityName: string; status: string }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '浙江拍 Zhejiang Auction';
  const sheet = workbook.addWorksheet('补助结算', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = SETTLEMENT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: Math.max(10, c.header.length * 2 + 2) }));
  lines.forEach((l, i) => {
    const row: Record<string, string | number> = {};
    for (const c of SETTLEMENT_COLUMNS) row[c.key] = c.value(l, i);
    // Yuan with two decimals is exact as a spreadsheet number (the fen column keeps the integer).
    row.baseYuan = Number(Money.fen(l.baseFen).toYuanString());
    row.amountYuan = Number(Money.fen(l.amountFen).toYuanString());
    sheet.addRow(row);
  });
  const total = lines.reduce((s, l) => s + l.amountFen, 0n);
  sheet.addRow({ no: '合计', enterprise: `${lines.length}笔`, amountYuan: Number(Money.fen(total).toYuanString()), amountFen: total.toString() });
  sheet.getRow(1).font = { bold: true };
  for (const key of ['baseYuan', 'amountYuan']) sheet.getColumn(key).numFmt = '#,##0.00';
  for (const key of ['payeeAccount', 'creditCode', 'amountFen', 'applicationId']) sheet.getColumn(key).numFmt = '@';
  workbook.properties.date1904 = false;
  workbook.title = `${meta.authorityName} 补助结算 ${meta.batchNumber}`;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

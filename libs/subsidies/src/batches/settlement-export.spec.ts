import ExcelJS from 'exceljs';
import { SETTLEMENT_COLUMNS, settlementCsv, settlementXlsx, type SettlementLine } from './settlement-export';

const line = (l: Partial<SettlementLine> = {}): SettlementLine => ({
  batchNumber: 'SB-330603-20270301-ABC123',
  applicationId: '01890000-0000-7000-8000-000000000001',
  enterpriseName: '绍兴柯桥示范纺织科技有限公司',
  creditCode: '91330621MA2BCDEF1X',
  regionCode: '330603',
  regionName: '柯桥区',
  payeeAccountName: '绍兴柯桥示范纺织科技有限公司',
  payeeBank: '中国工商银行绍兴柯桥支行',
  payeeAccountNumber: '1211012309200123456',
  policyName: '柯桥区技术交易补助',
  documentNumber: '柯科〔2026〕12号',
  subject: 'JS2026330603000001',
  year: 2026,
  baseFen: 120_000_000n,
  amountFen: 8_500_001n,
  reviewer: '审核员',
  approver: '批准人',
  approvedOn: '2027-02-28',
  ...l,
});

describe('settlement export', () => {
  it('writes CSV with a byte-order mark, the finance columns, CRLF lines and a total', () => {
    const text = settlementCsv([line(), line({ amountFen: 99n, enterpriseName: '另一家, "有限"公司' })]).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = text.slice(1).split('\r\n');
    expect(rows[0].split(',')).toEqual(SETTLEMENT_COLUMNS.map((c) => c.header));
    expect(rows[1]).toContain(',85000.01,8500001,');
    expect(rows[2]).toContain('"另一家, ""有限""公司"');
    expect(rows[3].startsWith('合计,,,2笔')).toBe(true);
    expect(rows[3]).toContain(',85001.00,8500100,');
    expect(rows[4]).toBe('');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const text = settlementCsv([line({ enterpriseName: '=HYPERLINK("http://x")', payeeAccountName: '+1', reviewer: '@SUM(A1)', approver: '-2' })]).toString(
      'utf8',
    );
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(text).toContain(",'+1,");
    expect(text).toContain(",'@SUM(A1),'-2,");
  });

  it('writes XLSX with yuan as numbers, account numbers and fen as text, and a total row', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await settlementXlsx([line(), line({ amountFen: 1n })], {
        batchNumber: 'SB-1',
        authorityName: '柯桥区科学技术局',
        status: 'exported',
      })) as unknown as ArrayBuffer,
    );
    const sheet = workbook.getWorksheet('补助结算')!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...SETTLEMENT_COLUMNS.map((c) => c.header)]);
    expect(sheet.getRow(2).getCell('P').value).toBe(85000.01);
    expect(sheet.getRow(2).getCell('J').value).toBe('1211012309200123456');
    expect(sheet.getRow(3).getCell('Q').value).toBe('1');
    expect(sheet.getRow(4).getCell('A').value).toBe('合计');
    expect(sheet.getRow(4).getCell('P').value).toBe(85000.02);
    expect(sheet.getRow(4).getCell('Q').value).toBe('8500002');
  });
});

import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { IMPORT_COLUMNS, mapHeaders, type RawRow } from './import-rows';

/** A registry import holds at most this many rows (a larger registry is imported in several files). */
export const MAX_IMPORT_ROWS = 10_000;

export type SheetFormat = 'xlsx' | 'csv';

export class SheetError extends Error {
  constructor(readonly problems: { field: string; code: string; message: string }[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** XLSX files are ZIP archives (PK\x03\x04); anything else is read as CSV (UTF-8, with or without a BOM). */
export function formatOf(bytes: Buffer): SheetFormat {
  return bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304 ? 'xlsx' : 'csv';
}

/** A cell as the text a holder sees: dates as YYYY-MM-DD (Excel stores them as dates), numbers as written. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10); // exceljs reads a date cell as UTC midnight of that day
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

/** The sheet's rows under our columns, keyed by the row number holders see (the header is row 1). */
export async function readSheet(bytes: Buffer): Promise<{ format: SheetFormat; rows: { row: number; raw: RawRow }[] }> {
  const format = formatOf(bytes);
  let table: string[][];
  if (format === 'xlsx') {
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw new SheetError([{ field: 'file', code: 'unreadableFile', message: '文件无法作为 XLSX 读取' }]);
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new SheetError([{ field: 'file', code: 'emptyFile', message: '文件中没有工作表' }]);
    table = [];
    sheet.eachRow({ includeEmpty: true }, (r, n) => {
      const values = r.values as ExcelJS.CellValue[]; // 1-based
      table[n - 1] = values.slice(1).map(cellText);
    });
  } else {
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD')) throw new SheetError([{ field: 'file', code: 'notUtf8', message: 'CSV 文件须为 UTF-8 编码' }]);
    try {
      table = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
    } catch (e) {
      throw new SheetError([{ field: 'file', code: 'badCsv', message: `CSV 格式错误：${(e as Error).message}` }]);
    }
  }
  const [headers = [], ...body] = Array.from(table, (r) => r ?? []);
  const { index, problems } = mapHeaders(headers.map((h) => h ?? ''));
  if (problems.length > 0) throw new SheetError(problems);
  const rows: { row: number; raw: RawRow }[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => (c ?? '').trim() === '')) return; // blank lines are not rows
    const raw = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, index.has(c.key) ? (cells[index.get(c.key)!] ?? '') : ''])) as unknown as RawRow;
    rows.push({ row: i + 2, raw });
  });
  if (rows.length === 0) throw new SheetError([{ field: 'file', code: 'noRows', message: '文件中没有数据行' }]);
  if (rows.length > MAX_IMPORT_ROWS)
    throw new SheetError([{ field: 'file', code: 'tooManyRows', message: `一次最多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${rows.length} 行` }]);
  return { format, rows };
}

/** The template: our headers (required ones marked *), one example row, and a sheet explaining each column. */
export async function importTemplate(format: SheetFormat): Promise<Buffer> {
  const headers = IMPORT_COLUMNS.map((c) => (c.required ? `${c.header}*` : c.header));
  const example = IMPORT_COLUMNS.map((c) => c.example);
  if (format === 'csv') return Buffer.from(`\uFEFF${stringify([headers, example])}`, 'utf8');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('成果登记');
  sheet.addRow(headers).font = { bold: true };
  sheet.addRow(example);
  sheet.columns.forEach((col, i) => {
    col.width = Math.max(12, IMPORT_COLUMNS[i].header.length * 2 + 4);
    col.numFmt = '@'; // text: Excel must not turn 330106 into a number or dates into serials
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const help = workbook.addWorksheet('填写说明');
  help.addRow(['列名', '是否必填', '说明', '示例']).font = { bold: true };
  for (const c of IMPORT_COLUMNS) help.addRow([c.header, c.required ? '必填' : '选填', c.note, c.example]);
  help.columns = [{ width: 18 }, { width: 10 }, { width: 60 }, { width: 32 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

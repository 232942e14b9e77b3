import { LocalDate, ValidationError } from '@zjp/core';
import { parsePatentNumber, patentTypeMatches } from '../domain';
import type { IpRightType } from '../achievements/ip-right.entity';
import type { AchievementKind, TechnicalField } from '../achievements/achievement.entity';

/*
 * The registry import's sheet (issue 18): one row per achievement with its IP right and its
 * history, under Chinese column headers, as holders keep their registries. Parsing is pure: each
 * cell is checked and every problem reported with its row and column, so a holder fixes the
 * sheet in one pass.
 */

export interface ImportColumn {
  key: keyof RawRow;
  header: string;
  required: boolean;
  example: string;
  note: string;
}

export interface RawRow {
  title: string;
  kind: string;
  technicalField: string;
  publiclyFunded: string;
  obtainedOn: string;
  registeredOn: string;
  regionCode: string;
  ipType: string;
  ipNumber: string;
  grantedOn: string;
  transformation: string;
  licenseType: string;
  transformedOn: string;
  contractReference: string;
  justification: string;
  justifiedFrom: string;
  justifiedUntil: string;
}

const choices = (m: Record<string, unknown>) => Object.keys(m).join(' / ');

export const KINDS: Record<string, AchievementKind> = { 应用类: 'applied', 基础类: 'basic' };
export const FIELDS: Record<string, TechnicalField> = { '互联网+': 'internet_plus', 生命健康: 'life_health', 新材料: 'new_materials', 其他: 'other' };
export const IP_TYPES: Record<string, IpRightType> = {
  发明专利: 'invention_patent',
  实用新型: 'utility_model',
  外观设计: 'design_patent',
  软件著作权: 'software_copyright',
  植物新品种: 'plant_variety',
  集成电路布图设计: 'ic_layout',
  技术秘密: 'technical_secret',
};
export const TRANSFORMATIONS: Record<string, 'transfer' | 'license' | 'equity' | 'own_implementation'> = {
  转让: 'transfer',
  许可: 'license',
  作价投资: 'equity',
  自行实施: 'own_implementation',
};
export const LICENSE_TYPES: Record<string, 'exclusive' | 'sole' | 'ordinary'> = { 独占许可: 'exclusive', 排他许可: 'sole', 普通许可: 'ordinary' };
export const JUSTIFICATIONS: Record<string, string> = {
  正在洽谈: 'negotiation_in_progress',
  保密需要: 'confidentiality',
  诉讼或纠纷: 'litigation_or_dispute',
  继续研发: 'further_development',
  其他: 'other',
};
const YES_NO: Record<string, boolean> = { 是: true, 否: false };

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'title', header: '成果名称', required: true, example: '一种石墨烯复合材料的制备方法', note: '1–300 字' },
  { key: 'kind', header: '成果类型', required: true, example: '应用类', note: choices(KINDS) },
  { key: 'technicalField', header: '技术领域', required: true, example: '新材料', note: choices(FIELDS) },
  { key: 'publiclyFunded', header: '财政资金支持', required: false, example: '是', note: '是 / 否（默认 否）' },
  { key: 'obtainedOn', header: '取得日期', required: true, example: '2019-05-10', note: '取得成果之日，YYYY-MM-DD' },
  { key: 'registeredOn', header: '登记日期', required: false, example: '2019-05-20', note: '原登记日期；空则以导入日为登记日' },
  { key: 'regionCode', header: '行政区划代码', required: true, example: '330106', note: '成果所在地，6位 GB/T 2260 代码' },
  { key: 'ipType', header: '知识产权类型', required: true, example: '发明专利', note: choices(IP_TYPES) },
  { key: 'ipNumber', header: '知识产权号', required: false, example: 'ZL201910123456.0', note: '专利须含校验位；技术秘密可空' },
  { key: 'grantedOn', header: '授权日期', required: false, example: '2020-06-01', note: '取得知识产权之日（P-2Y / P-3Y 由此起算）' },
  { key: 'transformation', header: '转化方式', required: false, example: '许可', note: `${choices(TRANSFORMATIONS)}；未转化则空` },
  { key: 'licenseType', header: '许可类型', required: false, example: '普通许可', note: `许可时必填：${choices(LICENSE_TYPES)}` },
  { key: 'transformedOn', header: '转化生效日期', required: false, example: '2021-03-01', note: '有转化方式时必填' },
  { key: 'contractReference', header: '合同编号', required: false, example: '3301062021000123', note: '有转化方式时必填（技术合同登记号等）' },
  { key: 'justification', header: '正当理由类别', required: false, example: '', note: `${choices(JUSTIFICATIONS)}；无则空` },
  { key: 'justifiedFrom', header: '正当理由起始日期', required: false, example: '', note: '有正当理由时必填' },
  { key: 'justifiedUntil', header: '正当理由截止日期', required: false, example: '', note: '有正当理由时必填' },
];

export interface CellError {
  /** 1-based row of the sheet (the header is row 1, the first data row 2). */
  row: number;
  /** The column's header as written in the sheet. */
  column: string;
  code: string;
  message: string;
}

export interface ImportRow {
  row: number;
  title: string;
  kind: AchievementKind;
  technicalField: TechnicalField;
  publiclyFunded: boolean;
  obtainedOn: string;
  registeredOn: string | null;
  regionCode: string;
  ip: { type: IpRightType; number: string | null; grantedOn: string | null };
  transformation: {
    kind: 'transfer' | 'license' | 'equity' | 'own_implementation';
    licenseType: 'exclusive' | 'sole' | 'ordinary' | null;
    tookEffectOn: string;
    contractReference: string;
  } | null;
  justification: { category: string; startsOn: string; endsOn: string } | null;
}

const PATENTS = new Set<IpRightType>(['invention_patent', 'utility_model', 'design_patent']);

/** Which columns of the sheet's header row are ours; the unknown and the missing required ones. */
export function mapHeaders(headers: readonly string[]): { index: Map<keyof RawRow, number>; problems: { field: string; code: string; message: string }[] } {
  const index = new Map<keyof RawRow, number>();
  const problems: { field: string; code: string; message: string }[] = [];
  headers.forEach((h, i) => {
    const name = h.replace(/[*＊\s]/g, '');
    if (name === '') return;
    const column = IMPORT_COLUMNS.find((c) => c.header === name);
    if (!column) problems.push({ field: `header[${i + 1}]`, code: 'unknownColumn', message: `不认识的列「${h}」` });
    else if (index.has(column.key)) problems.push({ field: `header[${i + 1}]`, code: 'duplicateColumn', message: `列「${h}」出现了两次` });
    else index.set(column.key, i);
  });
  for (const c of IMPORT_COLUMNS)
    if (c.required && !index.has(c.key)) problems.push({ field: 'header', code: 'missingColumn', message: `缺少必填列「${c.header}」` });
  return { index, problems };
}

/**
 * Checks one row (cells already as text) on `today`; `knownRegion` says whether a code is a GB/T
 * 2260 division. Returns the parsed row or its cell errors.
 */
export function parseImportRow(
  row: number,
  raw: RawRow,
  today: LocalDate,
  knownRegion: (code: string) => boolean,
): { ok: ImportRow } | { errors: CellError[] } {
  const errors: CellError[] = [];
  const err = (key: keyof RawRow, code: string, message: string) =>
    errors.push({ row, column: IMPORT_COLUMNS.find((c) => c.key === key)!.header, code, message });
  const text = (key: keyof RawRow) => raw[key].trim();
  const required = (key: keyof RawRow): string | null => {
    const v = text(key);
    if (v === '') err(key, 'required', '必填');
    return v === '' ? null : v;
  };
  const choice = <T>(key: keyof RawRow, map: Record<string, T>, optional = false): T | null => {
    const v = optional ? text(key) || null : required(key);
    if (v === null) return null;
    if (!(v in map)) {
      err(key, 'unknownValue', `「${v}」不是可选值（${choices(map)}）`);
      return null;
    }
    return map[v];
  };
  const date = (key: keyof RawRow, optional = false): LocalDate | null => {
    const v = optional ? text(key) || null : required(key);
    if (v === null) return null;
    try {
      const d = LocalDate.parse(v);
      if (d.isAfter(today)) {
        err(key, 'inFuture', `${v} 晚于今天（${today.toString()}）`);
        return null;
      }
      return d;
    } catch {
      err(key, 'badDate', `「${v}」不是日期（应写作 YYYY-MM-DD）`);
      return null;
    }
  };

  const title = required('title');
  if (title !== null && title.length > 300) err('title', 'tooLong', '成果名称不超过 300 字');
  const kind = choice('kind', KINDS);
  const technicalField = choice('technicalField', FIELDS);
  const publiclyFunded = choice('publiclyFunded', YES_NO, true) ?? false;
  const obtainedOn = date('obtainedOn');
  const registeredOn = date('registeredOn', true);
  if (obtainedOn && registeredOn && registeredOn.isBefore(obtainedOn)) err('registeredOn', 'beforeObtained', `登记日期早于取得日期 ${obtainedOn.toString()}`);
  const regionCode = required('regionCode');
  if (regionCode !== null && !(/^\d{6}$/.test(regionCode) && knownRegion(regionCode)))
    err('regionCode', 'unknownRegion', `「${regionCode}」不是有效的行政区划代码`);

  const ipType = choice('ipType', IP_TYPES);
  let ipNumber: string | null = text('ipNumber') || null;
  if (ipType && ipType !== 'technical_secret' && ipNumber === null) err('ipNumber', 'required', '除技术秘密外必填');
  if (ipType && ipNumber !== null && PATENTS.has(ipType)) {
    try {
      const parsed = parsePatentNumber(ipNumber);
      if (!patentTypeMatches(ipType as 'invention_patent' | 'utility_model' | 'design_patent', parsed))
        err('ipNumber', 'patentTypeMismatch', `${parsed.normalized} 不是${text('ipType')}的专利号`);
      ipNumber = parsed.normalized;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const d = e.details[0];
      err(
        'ipNumber',
        d.code,
        d.code === 'patentCheckDigit'
          ? `校验位错误：${d.message.replace(/^the check character of (\d+) is (.), not (.)$/, '$1 的校验位应为 $2，不是 $3')}`
          : '专利号格式应为 ZL + 12 位数字 + . + 校验位',
      );
    }
  }
  const grantedOn = date('grantedOn', true);

  let transformation: ImportRow['transformation'] = null;
  const tKind = choice('transformation', TRANSFORMATIONS, true);
  if (tKind) {
    const tookEffectOn = date('transformedOn');
    const contractReference = required('contractReference');
    const licenseType = tKind === 'license' ? choice('licenseType', LICENSE_TYPES) : null;
    if (tKind !== 'license' && text('licenseType') !== '') err('licenseType', 'licenseTypeMismatch', '仅许可填写许可类型');
    const existedFrom = grantedOn ?? obtainedOn;
    if (tookEffectOn && existedFrom && tookEffectOn.isBefore(existedFrom)) {
      err('transformedOn', grantedOn ? 'beforeGrant' : 'beforeObtained', `转化生效日期早于${grantedOn ? '授权日期' : '取得日期'} ${existedFrom.toString()}`);
    }
    if (tookEffectOn && contractReference && (tKind !== 'license' || licenseType))
      transformation = { kind: tKind, licenseType, tookEffectOn: tookEffectOn.toString(), contractReference };
  } else if (text('transformedOn') !== '' || text('contractReference') !== '' || text('licenseType') !== '') {
    err('transformation', 'required', '填写了转化日期、合同编号或许可类型，但未填转化方式');
  }

  let justification: ImportRow['justification'] = null;
  const category = choice('justification', JUSTIFICATIONS, true);
  if (category) {
    const startsOn = date('justifiedFrom');
    const until = required('justifiedUntil');
    let endsOn: LocalDate | null = null;
    if (until !== null) {
      try {
        endsOn = LocalDate.parse(until); // may run past today: an approved period still running
      } catch {
        err('justifiedUntil', 'badDate', `「${until}」不是日期（应写作 YYYY-MM-DD）`);
      }
    }
    if (startsOn && endsOn && endsOn.isBefore(startsOn)) err('justifiedUntil', 'endsBeforeStart', '截止日期早于起始日期');
    const existedFrom = grantedOn ?? obtainedOn;
    if (startsOn && existedFrom && startsOn.isBefore(existedFrom))
      err('justifiedFrom', 'beforeGrant', `正当理由起始日期早于${grantedOn ? '授权日期' : '取得日期'} ${existedFrom.toString()}`);
    if (startsOn && endsOn) justification = { category, startsOn: startsOn.toString(), endsOn: endsOn.toString() };
  } else if (text('justifiedFrom') !== '' || text('justifiedUntil') !== '') {
    err('justification', 'required', '填写了正当理由日期，但未填类别');
  }

  if (errors.length > 0 || !title || !kind || !technicalField || !obtainedOn || !regionCode || !ipType) return { errors };
  return {
    ok: {
      row,
      title,
      kind,
      technicalField,
      publiclyFunded,
      obtainedOn: obtainedOn.toString(),
      registeredOn: registeredOn?.toString() ?? null,
      regionCode,
      ip: { type: ipType, number: ipNumber, grantedOn: grantedOn?.toString() ?? null },
      transformation,
      justification,
    },
  };
}

/** The same IP right number twice in one file: every occurrence after the first is an error. */
export function duplicatesInFile(rows: readonly ImportRow[]): CellError[] {
  const first = new Map<string, number>();
  const errors: CellError[] = [];
  for (const r of rows) {
    if (!r.ip.number) continue;
    const seen = first.get(r.ip.number);
    if (seen === undefined) first.set(r.ip.number, r.row);
    else errors.push({ row: r.row, column: '知识产权号', code: 'duplicateInFile', message: `${r.ip.number} 与第 ${seen} 行重复` });
  }
  return errors;
}

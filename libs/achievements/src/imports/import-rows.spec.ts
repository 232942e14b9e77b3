import { LocalDate } from '@zjp/core';
import { patentCheckChar } from '../domain';
import { duplicatesInFile, type ImportRow, mapHeaders, parseImportRow, type RawRow } from './import-rows';

const today = LocalDate.parse('2026-12-05');
const known = (code: string) => ['330106', '330603'].includes(code);
const number = (digits = '201910123456') => `ZL${digits}.${patentCheckChar(digits)}`;
const raw = (r: Partial<RawRow> = {}): RawRow => ({
  title: '一种石墨烯复合材料的制备方法',
  kind: '应用类',
  technicalField: '新材料',
  publiclyFunded: '是',
  obtainedOn: '2019-05-10',
  registeredOn: '2019-05-20',
  regionCode: '330106',
  ipType: '发明专利',
  ipNumber: number(),
  grantedOn: '2020-06-01',
  transformation: '',
  licenseType: '',
  transformedOn: '',
  contractReference: '',
  justification: '',
  justifiedFrom: '',
  justifiedUntil: '',
  ...r,
});
const errorsOf = (r: Partial<RawRow>) => {
  const result = parseImportRow(2, raw(r), today, known);
  return 'errors' in result ? result.errors.map((e) => [e.column, e.code]) : [];
};

describe('registry import: one row', () => {
  it('reads a complete row in Chinese into the registry fields', () => {
    const result = parseImportRow(
      2,
      raw({ transformation: '许可', licenseType: '独占许可', transformedOn: '2021-03-01', contractReference: '3301062021000123' }),
      today,
      known,
    );
    expect(result).toEqual({
      ok: expect.objectContaining({
        row: 2,
        kind: 'applied',
        technicalField: 'new_materials',
        publiclyFunded: true,
        registeredOn: '2019-05-20',
        ip: { type: 'invention_patent', number: number(), grantedOn: '2020-06-01' },
        transformation: { kind: 'license', licenseType: 'exclusive', tookEffectOn: '2021-03-01', contractReference: '3301062021000123' },
        justification: null,
      }),
    });
  });

  it.each<[Partial<RawRow>, string[][], string]>([
    [{ ipNumber: 'ZL201910123456.9' === number() ? 'ZL201910123456.8' : 'ZL201910123456.9' }, [['知识产权号', 'patentCheckDigit']], 'a wrong check digit'],
    [{ ipNumber: '2019101234' }, [['知识产权号', 'patentNumberFormat']], 'a malformed patent number'],
    [{ ipType: '实用新型' }, [['知识产权号', 'patentTypeMismatch']], 'an invention number declared as a utility model'],
    [{ regionCode: '339999' }, [['行政区划代码', 'unknownRegion']], 'an unknown region code'],
    [{ grantedOn: '2026-12-06' }, [['授权日期', 'inFuture']], 'a grant date after today'],
    [{ transformation: '转让', transformedOn: '2020-05-31', contractReference: 'X' }, [['转化生效日期', 'beforeGrant']], 'a transformation before the grant'],
    [{ transformation: '许可', transformedOn: '2021-01-01', contractReference: 'X' }, [['许可类型', 'required']], 'a licence without its type'],
    [{ transformedOn: '2021-01-01' }, [['转化方式', 'required']], 'a transformation date without its kind'],
    [
      { kind: '应用', technicalField: '' },
      [
        ['成果类型', 'unknownValue'],
        ['技术领域', 'required'],
      ],
      'unknown and missing values',
    ],
    [{ obtainedOn: '2019-02-30' }, [['取得日期', 'badDate']], 'an impossible date'],
    [{ registeredOn: '2019-05-01' }, [['登记日期', 'beforeObtained']], 'a registration before the achievement was obtained'],
    [
      { justification: '正在洽谈', justifiedFrom: '2022-01-01', justifiedUntil: '2021-12-31' },
      [['正当理由截止日期', 'endsBeforeStart']],
      'a justification ending before it starts',
    ],
  ])('reports %j as %j (%s)', (cells, expected) => {
    expect(errorsOf(cells)).toEqual(expected);
  });

  it('lets a technical secret go without a number and takes a justification that still runs', () => {
    const result = parseImportRow(
      3,
      raw({ ipType: '技术秘密', ipNumber: '', grantedOn: '', justification: '保密需要', justifiedFrom: '2021-01-01', justifiedUntil: '2027-12-31' }),
      today,
      known,
    );
    expect('ok' in result && [result.ok.ip, result.ok.justification]).toEqual([
      { type: 'technical_secret', number: null, grantedOn: null },
      { category: 'confidentiality', startsOn: '2021-01-01', endsOn: '2027-12-31' },
    ]);
  });
});

describe('registry import: the sheet', () => {
  it('maps Chinese headers (a * marks required ones) and names unknown and missing columns', () => {
    const { index, problems } = mapHeaders(['成果名称*', '成果类型', '备注', '成果名称']);
    expect(index.get('title')).toBe(0);
    expect(problems.map((p) => p.code)).toEqual(['unknownColumn', 'duplicateColumn', 'missingColumn', 'missingColumn', 'missingColumn', 'missingColumn']);
  });

  it('reports the same number twice in one file at its second row', () => {
    const rows = [2, 3, 4].map((row, i) => ({ row, ip: { number: i === 1 ? 'B' : 'A' } }) as ImportRow);
    expect(duplicatesInFile(rows)).toEqual([{ row: 4, column: '知识产权号', code: 'duplicateInFile', message: 'A 与第 2 行重复' }]);
  });
});

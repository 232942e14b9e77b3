import { chineseCapitals } from '@zjp/core';
import { pdfPages } from '../../../../test/support/pdf-text';
import { contentSha256, type ContractDocument, renderPdf, scheduleRows, signedContent, yuanWithSeparators } from './contract-document';

const party = (type: string, creditCode: string, regionCode: string, regionName: string) => ({
  creditCode,
  regionCode,
  regionName,
  organizationType: type,
  holderCategory: type === 'holder' ? 'university' : null,
  sme: type === 'enterprise',
});

function contract(overrides: Partial<ContractDocument> = {}): ContractDocument {
  return {
    contractId: '0190f3a4-0000-7000-8000-000000000001',
    contractNumber: '2026-330106-000042',
    type: 'license',
    title: '一种高效光伏逆变器控制方法 独占实施许可合同',
    version: 2,
    achievement: { id: '0190f3a4-0000-7000-8000-0000000000aa', title: '一种高效光伏逆变器控制方法' },
    seller: { id: 's', name: '浙江工业大学' },
    buyer: { id: 'b', name: '绍兴柯桥新能源科技有限公司' },
    priceFen: '123456780',
    depositFen: '10000000',
    terms: {
      license: {
        licenseType: 'exclusive',
        startsOn: '2026-12-01',
        endsOn: '2031-11-30',
        territory: '中华人民共和国境内',
        fieldOfUse: '光伏发电',
        sublicensing: false,
      },
      fees: [
        {
          kind: 'instalments',
          instalments: [
            { amountFen: '60000000', dueDays: 30 },
            { amountFen: '40000000', dueOn: '2027-06-30' },
          ],
        },
        { kind: 'milestones', milestones: [{ key: 'pilot', description: '中试完成', amountFen: '23456780', dueDays: 15 }] },
      ],
      specialTerms: '甲方提供不少于 40 学时的技术培训。'.repeat(30),
    },
    signatures: [{ party: 'seller', organizationName: '浙江工业大学', signerName: '王老师', signedAt: '2026-12-01T16:30:00.000Z' }],
    registration: null,
    particulars: {
      seller: party('holder', '12330000470003281F', '330106', '西湖区'),
      buyer: party('enterprise', '91330603MA2BDXXX1Q', '330603', '柯桥区'),
      achievement: {
        technicalField: 'new_materials',
        ipRights: [
          { type: 'invention_patent', number: 'ZL202110123456.7', grantedOn: '2023-04-18', status: 'valid' },
          { type: 'utility_model', number: 'ZL202220654321.0', grantedOn: '2022-11-02', status: 'valid' },
        ],
      },
    },
    ...overrides,
  } as ContractDocument;
}

describe('contract document PDF', () => {
  it('prints the number, page i/n and the content hash on every page; the amount in figures and capitals; parties, rights, schedule and signatures', async () => {
    const doc = contract();
    const pages = await pdfPages(await renderPdf(doc, new Date('2026-12-02T00:00:00Z')));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const hash = contentSha256(doc);
    pages.forEach((page, i) => {
      const compact = page.replace(/\s+/g, '');
      expect(compact).toContain(`第${i + 1}页/共${pages.length}页`);
      expect(compact).toContain('合同编号：2026-330106-000042');
      expect(compact).toContain(hash);
    });
    const all = pages.join('\n').replace(/\s+/g, '');
    // 1,234,567.80 元 = 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角 (worked out by hand)
    expect(all).toContain('人民币1,234,567.80元');
    expect(all).toContain('人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角');
    for (const text of ['浙江工业大学', '12330000470003281F', '西湖区', '330106', '高等院校', '绍兴柯桥新能源科技有限公司', '91330603MA2BDXXX1Q', '柯桥区'])
      expect(all).toContain(text);
    for (const text of ['新材料', 'ZL202110123456.7', '发明专利', '2023-04-18', 'ZL202220654321.0', '实用新型专利']) expect(all).toContain(text);
    // the schedule: 600,000.00 (陆拾万元整) within 30 days, 400,000.00 (肆拾万元整) by 2027-06-30, the milestone 234,567.80
    for (const text of [
      '第1期',
      '600,000.00',
      '陆拾万元整',
      '合同生效之日起30日内',
      '第2期',
      '400,000.00',
      '肆拾万元整',
      '2027-06-30前',
      '中试完成',
      '234,567.80',
    ])
      expect(all).toContain(text);
    // signature blocks: the seller signed at 00:30 Beijing time the next day; the buyer has not
    expect(all).toContain('签署人：王老师');
    expect(all).toContain('签署时间：2026-12-0200:30:00（北京时间）');
    expect(all).toContain('签署时间：未签署');
  });

  it('renders the same bytes for the same content and date, and keeps the number and particulars out of the signed content', async () => {
    const at = new Date('2026-12-02T00:00:00Z');
    expect((await renderPdf(contract(), at)).equals(await renderPdf(contract(), at))).toBe(true);
    expect(signedContent(contract())).not.toHaveProperty('contractNumber');
    expect(signedContent(contract())).not.toHaveProperty('particulars');
    expect(contentSha256(contract({ contractNumber: '2026-330106-000043' }))).toBe(contentSha256(contract()));
  });

  it('formats yuan with separators and the schedule with capitals', () => {
    expect(yuanWithSeparators('123456780')).toBe('1,234,567.80');
    expect(yuanWithSeparators(5n)).toBe('0.05');
    expect(scheduleRows(contract())[0]).toEqual(['第 1 期', '600,000.00', chineseCapitals(60000000n), '合同生效之日起 30 日内']);
  });
});

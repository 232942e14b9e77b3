import { createHash } from 'node:crypto';
import { chineseCapitals, Money, Rate } from '@zjp/core';
import { PdfReport } from '@zjp/platform';
import type { ContractTerms, ContractType, FeeComponent } from '../domain';

/*
 * The contract as a document: one canonical JSON object (what both parties sign, hashed with
 * SHA-256) and its PDF rendering on the platform's PdfReport (Noto Sans SC embedded from npm, so a
 * fresh clone renders the same; the PDF's creation date is the contract's own, so the same data
 * gives the same bytes). Every page carries the contract number, 第 i 页 / 共 n 页 and the SHA-256
 * of the signed content.
 *
 * The contract number and the particulars (the parties' registration details, the achievement's IP
 * rights) are printed but kept out of the signed content, so contracts signed before they existed
 * still verify.
 */

export interface DocumentParty {
  id: string;
  name: string;
}

export interface DocumentSignature {
  party: 'seller' | 'buyer';
  organizationName: string;
  signerName: string;
  signedAt: string;
}

/** A party's registration details (organization_directory). */
export interface DocumentPartyDetails {
  creditCode: string | null;
  regionCode: string;
  regionName: string | null;
  organizationType: string;
  holderCategory: string | null;
  sme: boolean;
}

export interface DocumentIpRight {
  type: string;
  number: string | null;
  grantedOn: string | null;
  status: string;
}

export interface ContractParticulars {
  seller: DocumentPartyDetails;
  buyer: DocumentPartyDetails;
  achievement: { technicalField: string | null; ipRights: DocumentIpRight[] };
}

export interface ContractDocument {
  contractId: string;
  /** 合同编号 YYYY-RRRRRR-NNNNNN */
  contractNumber: string;
  type: ContractType;
  title: string;
  version: number;
  achievement: { id: string; title: string };
  seller: DocumentParty;
  buyer: DocumentParty;
  priceFen: string;
  depositFen: string;
  terms: ContractTerms;
  signatures: DocumentSignature[];
  registration: { number: string; registeredOn: string; registry: string } | null;
  particulars: ContractParticulars | null;
}

/** What the signatures attest: the parties, the subject and the terms of one version. */
export function signedContent(doc: ContractDocument): Omit<ContractDocument, 'signatures' | 'registration' | 'contractNumber' | 'particulars'> {
  const { signatures: _s, registration: _r, contractNumber: _n, particulars: _p, ...content } = doc;
  return content;
}

/** JSON with keys sorted at every level, so equal content has one spelling (and one hash). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const TYPE_LABELS: Record<ContractType, string> = {
  transfer: '技术转让合同',
  license: '技术许可合同',
  equity: '技术作价投资合同',
  use_first: '技术许可合同（先用后转）',
  free_license: '无偿实施许可合同',
};
const LICENSE_LABELS = { exclusive: '独占实施许可', sole: '排他实施许可', ordinary: '普通实施许可' } as const;
const TRANSFER_LABELS = { patent_right: '专利权转让', patent_application_right: '专利申请权转让', technical_secret: '技术秘密转让' } as const;
const PERIOD_LABELS = { month: '每月', quarter: '每季度', half_year: '每半年', year: '每年' } as const;

/** An instant as Asia/Shanghai wall time (UTC+8 all year), for people reading the document. */
const beijingTime = (iso: string) => `${new Date(Date.parse(iso) + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19)}（北京时间）`;
/** 1234567.80 → 1,234,567.80 */
export function yuanWithSeparators(fen: string | bigint): string {
  const [whole, cents] = Money.fen(fen).toYuanString().split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}
const yuan = (fen: string | bigint) => `人民币 ${yuanWithSeparators(fen)} 元（大写：${chineseCapitals(BigInt(fen))}）`;
const due = (d: { dueOn?: string | null; dueDays?: number | null }, useFirst: boolean) =>
  d.dueOn ? `于 ${d.dueOn} 前支付` : `于${useFirst ? '转化' : '合同生效'}之日起 ${d.dueDays} 日内支付`;

function feeLines(fee: FeeComponent, useFirst: boolean): string[] {
  switch (fee.kind) {
    case 'lump_sum':
      return [`一次总付：${yuan(fee.amountFen)}，${due(fee, useFirst)}。`];
    case 'instalments':
      return [`分期支付，共 ${fee.instalments.length} 期：`, ...fee.instalments.map((x, i) => `  第 ${i + 1} 期：${yuan(x.amountFen)}，${due(x, useFirst)}。`)];
    case 'royalty':
      return [
        `提成支付：按乙方实施本技术所得销售额的 ${Rate.parse(fee.rate).toPercentString()} 计算，${PERIOD_LABELS[fee.period]}报告一次，于每期结束之日起 ${fee.dueDays} 日内支付${fee.minimumFen && fee.minimumFen !== '0' ? `，每期不低于${yuan(fee.minimumFen)}` : ''}。`,
      ];
    case 'milestones':
      return [
        '按里程碑支付：',
        ...fee.milestones.map((m) => `  ${m.description}（${m.key}）：${yuan(m.amountFen)}，于该里程碑达成之日起 ${m.dueDays} 日内支付。`),
      ];
  }
}

/** The clauses of the document, as lines of Chinese text (the PDF prints them; tests read them). */
export function documentLines(doc: ContractDocument): { heading: string; lines: string[] }[] {
  const t = doc.terms;
  const useFirst = doc.type === 'use_first';
  const sections: { heading: string; lines: string[] }[] = [];
  sections.push({
    heading: '当事人',
    lines: [
      `甲方（${doc.type === 'transfer' ? '让与人' : doc.type === 'equity' ? '出资人' : '许可人'}）：${doc.seller.name}`,
      `乙方（${doc.type === 'transfer' ? '受让人' : doc.type === 'equity' ? '接受出资方' : '被许可人'}）：${doc.buyer.name}`,
    ],
  });
  const subject = [`科技成果：${doc.achievement.title}（编号 ${doc.achievement.id}）`];
  if (t.transfer) subject.push(`转让内容：${TRANSFER_LABELS[t.transfer.object]}`);
  if (t.license) {
    subject.push(
      `许可方式：${LICENSE_LABELS[t.license.licenseType]}`,
      `许可期限：${t.license.startsOn} 至 ${t.license.endsOn}`,
      `许可地域：${t.license.territory}`,
      `实施领域：${t.license.fieldOfUse}`,
      `分许可：${t.license.sublicensing ? '允许' : '不允许'}`,
    );
  }
  if (t.equity) {
    subject.push(
      `作价金额：${yuan(t.equity.valuationFen)}`,
      `占注册资本比例：${t.equity.capitalShare ? Rate.parse(t.equity.capitalShare).toPercentString() : '（待定）'}`,
      `目标公司：${t.equity.targetCompany || '（待定）'}`,
    );
  }
  if (t.useFirst)
    subject.push(
      `先用后转：乙方自合同生效之日起试用 ${t.useFirst.trialMonths} 个月，试用期内暂不支付使用费；乙方决定转化的，自转化之日起按下列约定支付；试用期满未转化的，许可终止。`,
    );
  sections.push({ heading: '合同标的', lines: subject });
  const fees = t.fees.flatMap((f) => feeLines(f, useFirst));
  sections.push({
    heading: '价款及支付方式',
    lines: fees.length
      ? fees
      : [doc.type === 'free_license' ? '本许可为无偿实施许可（满3年未转化，依政策无偿许可实施），乙方无需支付任何费用。' : '无现金对价。'],
  });
  if (BigInt(doc.depositFen) > 0n) sections.push({ heading: '保证金', lines: [`乙方已缴纳竞买保证金${yuan(doc.depositFen)}，于合同签订时抵作价款。`] });
  if (t.specialTerms) sections.push({ heading: '特别约定', lines: [t.specialTerms] });
  const signed = (party: 'seller' | 'buyer') => doc.signatures.find((s) => s.party === party);
  sections.push({
    heading: '签署',
    lines: (['seller', 'buyer'] as const).map((party) => {
      const s = signed(party);
      const name = party === 'seller' ? doc.seller.name : doc.buyer.name;
      return `${party === 'seller' ? '甲方' : '乙方'}：${name}  签署人：${s ? `${s.signerName}  签署时间：${beijingTime(s.signedAt)}` : '（未签署）'}`;
    }),
  });
  sections.push({
    heading: '技术合同认定登记',
    lines: [
      doc.registration
        ? `登记号：${doc.registration.number}  登记日期：${doc.registration.registeredOn}  登记机构：${doc.registration.registry}`
        : '（尚未登记）',
    ],
  });
  return sections;
}

const ORG_TYPE_LABELS: Record<string, string> = { holder: '成果持有单位', enterprise: '企业', authority: '主管部门', broker: '技术经纪机构' };
const HOLDER_CATEGORY_LABELS: Record<string, string> = { university: '高等院校', institute: '科研院所', enterprise_lab: '企业研发机构' };
const IP_TYPE_LABELS: Record<string, string> = {
  invention_patent: '发明专利',
  utility_model: '实用新型专利',
  design_patent: '外观设计专利',
  software_copyright: '软件著作权',
  plant_variety: '植物新品种权',
  ic_layout: '集成电路布图设计',
  technical_secret: '技术秘密',
};
const FIELD_LABELS: Record<string, string> = { internet_plus: '互联网+', life_health: '生命健康', new_materials: '新材料', other: '其他' };
const IP_STATUS_LABELS: Record<string, string> = { valid: '有效', lapsed: '失效', invalidated: '被宣告无效' };

const partyTitle = (doc: ContractDocument, party: 'seller' | 'buyer') =>
  party === 'seller'
    ? `甲方（${doc.type === 'transfer' ? '让与人' : doc.type === 'equity' ? '出资人' : '许可人'}）`
    : `乙方（${doc.type === 'transfer' ? '受让人' : doc.type === 'equity' ? '接受出资方' : '被许可人'}）`;

function organizationType(d: DocumentPartyDetails): string {
  const base = ORG_TYPE_LABELS[d.organizationType] ?? d.organizationType;
  if (d.holderCategory) return `${base}（${HOLDER_CATEGORY_LABELS[d.holderCategory] ?? d.holderCategory}）`;
  return d.sme ? `${base}（中小企业）` : base;
}

/** The payment schedule as table rows: 款项, 金额（元）, 大写, 支付时间. */
export function scheduleRows(doc: ContractDocument): string[][] {
  const useFirst = doc.type === 'use_first';
  const when = (d: { dueOn?: string | null; dueDays?: number | null }) =>
    d.dueOn ? `${d.dueOn} 前` : `${useFirst ? '转化' : '合同生效'}之日起 ${d.dueDays} 日内`;
  return doc.terms.fees.flatMap((fee): string[][] => {
    switch (fee.kind) {
      case 'lump_sum':
        return [['一次总付', yuanWithSeparators(fee.amountFen), chineseCapitals(BigInt(fee.amountFen)), when(fee)]];
      case 'instalments':
        return fee.instalments.map((x, i) => [`第 ${i + 1} 期`, yuanWithSeparators(x.amountFen), chineseCapitals(BigInt(x.amountFen)), when(x)]);
      case 'milestones':
        return fee.milestones.map((m) => [
          `里程碑：${m.description}`,
          yuanWithSeparators(m.amountFen),
          chineseCapitals(BigInt(m.amountFen)),
          `该里程碑达成之日起 ${m.dueDays} 日内`,
        ]);
      case 'royalty':
        return [
          [
            `提成（销售额的 ${Rate.parse(fee.rate).toPercentString()}）`,
            fee.minimumFen && fee.minimumFen !== '0' ? `每期不低于 ${yuanWithSeparators(fee.minimumFen)}` : '按实际销售额计算',
            fee.minimumFen && fee.minimumFen !== '0' ? chineseCapitals(BigInt(fee.minimumFen)) : '—',
            `${PERIOD_LABELS[fee.period]}结算，期满后 ${fee.dueDays} 日内`,
          ],
        ];
    }
  });
}

/** The SHA-256 of what the parties sign (the canonical JSON of the signed content): printed on every page. */
export const contentSha256 = (doc: ContractDocument): string => sha256(canonicalJson(signedContent(doc)));

/** The PDF (A4, on PdfReport). `createdAt` goes into the file as its creation date: the same document renders to the same bytes. */
export async function renderPdf(doc: ContractDocument, createdAt: Date): Promise<Buffer> {
  const report = new PdfReport({
    title: doc.title,
    subtitle: TYPE_LABELS[doc.type],
    createdAt,
    hash: contentSha256(doc),
    footerNote: `合同编号：${doc.contractNumber}  浙江拍（中国浙江网上技术市场）`,
    subject: `${TYPE_LABELS[doc.type]} ${doc.contractNumber}`,
  });
  const t = doc.terms;
  const p = doc.particulars;
  report.keyValues(
    [
      ['合同编号', doc.contractNumber],
      ['合同类型', TYPE_LABELS[doc.type]],
      ['合同金额', `人民币 ${yuanWithSeparators(doc.priceFen)} 元`],
      ['金额大写', `人民币${chineseCapitals(BigInt(doc.priceFen))}`],
      ['版本', `第 ${doc.version} 版`],
    ],
    90,
  );

  report.heading('一、当事人');
  const row = (label: string, f: (party: 'seller' | 'buyer') => string) => [label, f('seller'), f('buyer')];
  const details = (party: 'seller' | 'buyer') => (p ? p[party] : null);
  report.table(
    [
      { title: '', width: 0.8 },
      { title: partyTitle(doc, 'seller'), width: 1.6 },
      { title: partyTitle(doc, 'buyer'), width: 1.6 },
    ],
    [
      row('名称', (x) => doc[x].name),
      row('统一社会信用代码', (x) => details(x)?.creditCode ?? '（未登记）'),
      row('所在地区', (x) => {
        const d = details(x);
        return d ? `${d.regionName ?? ''}（行政区划代码 ${d.regionCode}）` : '—';
      }),
      row('组织类型', (x) => {
        const d = details(x);
        return d ? organizationType(d) : '—';
      }),
      row('联系方式', () => '通过浙江拍平台账户联系（平台存档）'),
    ],
    { size: 9.5 },
  );

  report.heading('二、合同标的');
  const subject: [string, string][] = [['科技成果', `${doc.achievement.title}`]];
  if (p?.achievement.technicalField) subject.push(['技术领域', FIELD_LABELS[p.achievement.technicalField] ?? p.achievement.technicalField]);
  subject.push(['成果编号', doc.achievement.id]);
  if (t.transfer) subject.push(['转让内容', TRANSFER_LABELS[t.transfer.object]]);
  if (t.license) {
    subject.push(
      ['许可方式', LICENSE_LABELS[t.license.licenseType]],
      ['许可期限', `${t.license.startsOn} 至 ${t.license.endsOn}`],
      ['许可地域', t.license.territory],
      ['实施领域', t.license.fieldOfUse],
      ['分许可', t.license.sublicensing ? '允许' : '不允许'],
    );
  }
  if (t.equity) {
    subject.push(
      ['作价金额', yuan(t.equity.valuationFen)],
      ['占注册资本比例', t.equity.capitalShare ? Rate.parse(t.equity.capitalShare).toPercentString() : '（待定）'],
      ['目标公司', t.equity.targetCompany || '（待定）'],
    );
  }
  report.keyValues(subject, 90);
  if (t.useFirst)
    report.paragraph(
      `先用后转：乙方自合同生效之日起试用 ${t.useFirst.trialMonths} 个月，试用期内暂不支付使用费；乙方决定转化的，自转化之日起按下列约定支付；试用期满未转化的，许可终止。`,
    );
  report.heading('知识产权', 2);
  const rights = p?.achievement.ipRights ?? [];
  if (rights.length)
    report.table(
      [{ title: '权利类型' }, { title: '专利号 / 登记号', width: 1.5 }, { title: '授权日' }, { title: '法律状态', width: 0.7 }],
      rights.map((r) => [
        IP_TYPE_LABELS[r.type] ?? r.type,
        r.number ?? '（技术秘密，不公开）',
        r.grantedOn ?? '（尚未授权）',
        IP_STATUS_LABELS[r.status] ?? r.status,
      ]),
    );
  else report.paragraph('（成果未登记知识产权）', { muted: true });

  report.heading('三、价款及支付方式');
  report.paragraph(`合同价款：人民币 ${yuanWithSeparators(doc.priceFen)} 元（大写：人民币${chineseCapitals(BigInt(doc.priceFen))}）。`);
  const schedule = scheduleRows(doc);
  if (schedule.length)
    report.table(
      [
        { title: '款项', width: 1.3 },
        { title: '金额（元）', align: 'right' },
        { title: '大写', width: 1.5 },
        { title: '支付时间', width: 1.3 },
      ],
      schedule,
    );
  else report.paragraph(doc.type === 'free_license' ? '本许可为无偿实施许可（满3年未转化，依政策无偿许可实施），乙方无需支付任何费用。' : '无现金对价。');
  if (BigInt(doc.depositFen) > 0n) report.paragraph(`保证金：乙方已缴纳竞买保证金${yuan(doc.depositFen)}，于合同签订时抵作价款。`);
  let n = 4;
  const num = () => '一二三四五六七八九十'[n++ - 1];
  if (t.specialTerms) {
    report.heading(`${num()}、特别约定`);
    report.paragraph(t.specialTerms);
  }
  report.heading(`${num()}、技术合同认定登记`);
  report.paragraph(
    doc.registration
      ? `登记号：${doc.registration.number}  登记日期：${doc.registration.registeredOn}  登记机构：${doc.registration.registry}`
      : '（尚未登记）',
  );

  report.heading(`${num()}、签署`);
  signatureBlocks(report, doc);
  report.paragraph(
    '本合同经浙江拍（中国浙江网上技术市场）成交，内容以平台存档版本为准；页脚所列摘要为双方签署内容（规范化 JSON）的 SHA-256，存档文件的摘要于签署时记录。',
    {
      size: 8,
      muted: true,
    },
  );
  return report.finish();
}

/** Two boxes side by side: the party, its signer and the signing time (Beijing time), or 未签署. */
function signatureBlocks(report: PdfReport, doc: ContractDocument): void {
  const pdf = report.doc;
  const height = 96;
  report.ensureSpace(height + 12);
  const left = pdf.page.margins.left;
  const gap = 16;
  const w = (report.width - gap) / 2;
  const top = pdf.y;
  (['seller', 'buyer'] as const).forEach((party, i) => {
    const x = left + i * (w + gap);
    const s = doc.signatures.find((sig) => sig.party === party);
    pdf.lineWidth(0.7).strokeColor('#8c8c8c').rect(x, top, w, height).stroke();
    pdf
      .font('sc-bold')
      .fontSize(10.5)
      .fillColor('#1f1f1f')
      .text(`${partyTitle(doc, party)}（盖章）`, x + 8, top + 8, { width: w - 16 });
    pdf
      .font('sc')
      .fontSize(9.5)
      .text(doc[party].name, x + 8, pdf.y + 2, { width: w - 16 });
    pdf.text(s ? `签署人：${s.signerName}` : '签署人：', x + 8, pdf.y + 4, { width: w - 16 });
    pdf.text(s ? `签署时间：${beijingTime(s.signedAt)}` : '签署时间：未签署', x + 8, pdf.y + 2, { width: w - 16 });
  });
  pdf.x = left;
  pdf.y = top + height + 12;
}

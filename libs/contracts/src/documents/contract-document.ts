import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Money, Rate } from '@zjp/core';
import PDFDocument from 'pdfkit';
import type { ContractTerms, ContractType, FeeComponent } from '../domain';

/*
 * The contract as a document: one canonical JSON object (what both parties sign, hashed with
 * SHA-256) and its PDF rendering (Chinese text in Noto Sans SC, shipped by npm so that a fresh
 * clone renders it the same; the PDF's creation date is the contract's own, so the same data
 * gives the same bytes).
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

export interface ContractDocument {
  contractId: string;
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
}

/** What the signatures attest: the parties, the subject and the terms of one version. */
export function signedContent(doc: ContractDocument): Omit<ContractDocument, 'signatures' | 'registration'> {
  const { signatures: _s, registration: _r, ...content } = doc;
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
const yuan = (fen: string | bigint) => `人民币 ${Money.fen(fen).toYuanString()} 元`;
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

const FONT_FILE = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
let fontBytes: Buffer | null = null;
const font = (): Buffer => (fontBytes ??= readFileSync(FONT_FILE));

/** The PDF (A4). `createdAt` goes into the file as its creation date: the same document renders to the same bytes. */
export async function renderPdf(doc: ContractDocument, createdAt: Date): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: doc.title, Subject: TYPE_LABELS[doc.type], Creator: '浙江拍', Producer: '浙江拍', CreationDate: createdAt },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('sc', font());
  pdf.font('sc');
  pdf.fontSize(18).text(doc.title, { align: 'center' });
  pdf.moveDown(0.3).fontSize(12).text(TYPE_LABELS[doc.type], { align: 'center' });
  pdf.moveDown(0.5).fontSize(9).text(`合同编号：${doc.contractId}  版本：第 ${doc.version} 版`, { align: 'center' });
  pdf.moveDown();
  documentLines(doc).forEach((section, i) => {
    pdf
      .moveDown(0.6)
      .fontSize(12)
      .text(`${'一二三四五六七八九十'[i] ?? i + 1}、${section.heading}`);
    pdf.fontSize(10.5);
    for (const line of section.lines) pdf.moveDown(0.2).text(line, { lineGap: 2 });
  });
  pdf
    .moveDown(1.2)
    .fontSize(8)
    .text('本合同经浙江拍（中国浙江网上技术市场）成交，内容以平台存档版本为准；存档文件的 SHA-256 摘要于签署时记录。', { align: 'center' });
  pdf.end();
  return done;
}

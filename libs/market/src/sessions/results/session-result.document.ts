import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Money, roundHalfUp } from '@zjp/core';
import { PdfReport } from '@zjp/platform';
import type { ResultLot, SessionState, StoredResult } from './session-results.repository';

/*
 * 成交结果 as the organisers publish it after a themed session: the JSON the page shows, and the same
 * figures as an XLSX workbook and a PDF (PdfReport: page i/n and the figures' SHA-256 on every
 * page, a per-lot table and a bar chart of the starting against the hammer price).
 */

export const THEME_LABELS: Record<string, string> = {
  regular: '常规专场',
  yangtze_delta: '长三角拍',
  three_highlands: '三大高地拍',
  corridor: '大走廊拍',
  hightech_zone: '高新区拍',
  other: '其他专场',
};
const UNSOLD_LABELS: Record<string, string> = { no_bids: '无人出价', reserve_not_met: '未达保留价', withdrawn: '撤拍' };

export interface SessionResultLotView {
  id: string;
  position: number | null;
  title: string;
  startingPriceFen: string;
  hammerPriceFen: string | null;
  result: 'sold' | 'unsold';
  unsoldReason: string | null;
  bids: number;
  /** hammer ÷ start − 1 of this lot, in percent with 2 decimals (rounded half up); null when unsold */
  premiumPercent: string | null;
}

export interface SessionResultView {
  sessionId: string;
  sessionName: string;
  theme: string;
  startsAt: Date;
  closedAt: Date;
  computedAt: Date;
  lotsOffered: number;
  lotsSold: number;
  lotsUnsold: number;
  lotsWithdrawn: number;
  /** sold ÷ offered, percent with 2 decimals */
  sellThroughPercent: string | null;
  startingTotalFen: string;
  soldStartingTotalFen: string;
  hammerTotalFen: string;
  /** 溢价率 = hammerTotal ÷ soldStartingTotal − 1: the exact fraction and its percentage (2 decimals, half up) */
  premium: { numeratorFen: string; denominatorFen: string; percent: string } | null;
  bidders: number;
  onlineBidders: number;
  floorBidders: number;
  bids: number;
  onlineBids: number;
  proxyBids: number;
  floorBids: number;
  lots: SessionResultLotView[];
}

/** hundredths of a percent → "25.00" */
export const percentOfHundredths = (h: bigint | number): string => {
  const v = BigInt(h);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};

/** 1234567.80 → 1,234,567.80 */
export function yuanWithSeparators(fen: string | bigint): string {
  const [whole, cents] = Money.fen(fen).toYuanString().split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

export function toResultView(session: SessionState, r: StoredResult, lots: ResultLot[]): SessionResultView {
  return {
    sessionId: session.id,
    sessionName: session.name,
    theme: session.theme,
    startsAt: session.startsAt,
    closedAt: r.closedAt,
    computedAt: r.computedAt,
    lotsOffered: r.lotsOffered,
    lotsSold: r.lotsSold,
    lotsUnsold: r.lotsUnsold,
    lotsWithdrawn: r.lotsWithdrawn,
    sellThroughPercent: r.lotsOffered > 0 ? percentOfHundredths(roundHalfUp(BigInt(r.lotsSold) * 10000n, BigInt(r.lotsOffered))) : null,
    startingTotalFen: r.startingTotalFen,
    soldStartingTotalFen: r.soldStartingTotalFen,
    hammerTotalFen: r.hammerTotalFen,
    premium:
      r.premiumHundredths === null
        ? null
        : {
            numeratorFen: (BigInt(r.hammerTotalFen) - BigInt(r.soldStartingTotalFen)).toString(),
            denominatorFen: r.soldStartingTotalFen,
            percent: percentOfHundredths(r.premiumHundredths),
          },
    bidders: r.bidders,
    onlineBidders: r.onlineBidders,
    floorBidders: r.floorBidders,
    bids: r.bids,
    onlineBids: r.onlineBids,
    proxyBids: r.proxyBids,
    floorBids: r.floorBids,
    lots: lots.map((l) => ({
      id: l.id,
      position: l.position,
      title: l.title,
      startingPriceFen: l.startingPriceFen,
      hammerPriceFen: l.hammerPriceFen,
      result: l.result,
      unsoldReason: l.unsoldReason,
      bids: l.bids,
      premiumPercent:
        l.hammerPriceFen === null
          ? null
          : percentOfHundredths(roundHalfUp((BigInt(l.hammerPriceFen) - BigInt(l.startingPriceFen)) * 10000n, BigInt(l.startingPriceFen))),
    })),
  };
}

/** Beijing wall time of an instant */
const beijing = (d: Date) => `${new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 16)}（北京时间）`;

/** The figures, each with its rule (the PDF, the XLSX and the page say the same). */
export function resultFigures(v: SessionResultView): [string, string, string][] {
  return [
    ['上拍标的', `${v.lotsOffered} 件`, '本专场上拍的标的数（取消的不计，撤拍的计入）。'],
    ['成交标的', `${v.lotsSold} 件`, '落槌成交的标的数。'],
    ['流拍标的', `${v.lotsUnsold} 件（其中撤拍 ${v.lotsWithdrawn} 件）`, '无人出价、未达保留价或撤拍而未成交的标的数。'],
    ['成交率', v.sellThroughPercent === null ? '—' : `${v.sellThroughPercent}%`, '成交标的数 ÷ 上拍标的数。'],
    ['起拍价总额（全部标的）', `${yuanWithSeparators(v.startingTotalFen)} 元`, '全部上拍标的起拍价之和。'],
    ['起拍价总额（成交标的）', `${yuanWithSeparators(v.soldStartingTotalFen)} 元`, '成交标的起拍价之和，溢价率的分母。'],
    ['成交价总额', `${yuanWithSeparators(v.hammerTotalFen)} 元`, '成交标的落槌价之和。'],
    ['溢价率', v.premium ? `${v.premium.percent}%` : '—（无成交）', '成交价总额 ÷ 成交标的起拍价总额 − 1，按精确分数四舍五入到 0.01%。'],
    ['竞买人', `${v.bidders} 家（网上 ${v.onlineBidders}，现场 ${v.floorBidders}）`, '至少有一次有效出价的不同单位数；现场指由拍卖师在现场登记举牌的竞买人。'],
    [
      '有效出价',
      `${v.bids} 次（网上 ${v.onlineBids}，代理 ${v.proxyBids}，现场 ${v.floorBids}）`,
      '进入出价序列的出价次数；代理出价由系统代网上竞买人出价，现场出价由拍卖师录入。',
    ],
  ];
}

export const contentHash = (v: SessionResultView): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

const lotRow = (l: SessionResultLotView, i: number) => [
  String(l.position ?? i + 1),
  l.title,
  yuanWithSeparators(l.startingPriceFen),
  l.hammerPriceFen ? yuanWithSeparators(l.hammerPriceFen) : '—',
  l.result === 'sold' ? '成交' : `流拍（${UNSOLD_LABELS[l.unsoldReason ?? ''] ?? ''}）`,
  l.premiumPercent === null ? '—' : `${l.premiumPercent}%`,
  String(l.bids),
];
const LOT_HEADERS = ['序号', '标的', '起拍价（元）', '成交价（元）', '结果', '溢价率', '有效出价'];

export async function renderResultXlsx(v: SessionResultView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '浙江拍';
  wb.created = v.computedAt;
  const summary = wb.addWorksheet('成交结果');
  summary.columns = [
    { header: '指标', key: 'label', width: 26 },
    { header: '数值', key: 'value', width: 34 },
    { header: '口径', key: 'rule', width: 70 },
  ];
  summary.addRow({ label: '专场', value: v.sessionName, rule: THEME_LABELS[v.theme] ?? v.theme });
  summary.addRow({ label: '结束时间', value: beijing(v.closedAt), rule: '最后一件标的落槌的时间' });
  for (const [label, value, rule] of resultFigures(v)) summary.addRow({ label, value, rule });
  // machine-readable figures: integers in fen, the premium as the exact fraction and its rounded percent
  summary.addRow({});
  const raw: [string, string | number][] = [
    ['lotsOffered', v.lotsOffered],
    ['lotsSold', v.lotsSold],
    ['lotsUnsold', v.lotsUnsold],
    ['startingTotalFen', v.startingTotalFen],
    ['soldStartingTotalFen', v.soldStartingTotalFen],
    ['hammerTotalFen', v.hammerTotalFen],
    ['premiumPercent', v.premium?.percent ?? ''],
    ['bidders', v.bidders],
    ['bids', v.bids],
    ['onlineBids', v.onlineBids],
    ['proxyBids', v.proxyBids],
    ['floorBids', v.floorBids],
  ];
  for (const [key, value] of raw) summary.addRow({ label: key, value, rule: '' });
  summary.getRow(1).font = { bold: true };

  const lots = wb.addWorksheet('标的明细');
  lots.addRow([...LOT_HEADERS, '起拍价（分）', '成交价（分）']).font = { bold: true };
  v.lots.forEach((l, i) => lots.addRow([...lotRow(l, i), l.startingPriceFen, l.hammerPriceFen ?? '']));
  lots.columns.forEach((c, i) => (c.width = i === 1 ? 40 : 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function renderResultPdf(v: SessionResultView): Promise<Buffer> {
  const report = new PdfReport({
    title: `${v.sessionName} 成交结果`,
    subtitle: `${THEME_LABELS[v.theme] ?? v.theme} · 结束于 ${beijing(v.closedAt)}`,
    createdAt: v.computedAt,
    hash: contentHash(v),
    footerNote: '浙江拍（中国浙江网上技术市场）',
    landscape: false,
  });
  report.heading('一、成交概况');
  report.table(
    [
      { title: '指标', width: 1.1 },
      { title: '数值', width: 1.3 },
      { title: '口径', width: 2.2 },
    ],
    resultFigures(v).map(([a, b, c]) => [a, b, c]),
    { size: 9 },
  );
  report.heading('二、起拍价与成交价');
  const toWan = (fen: string | null) => (fen === null ? 0 : Number(BigInt(fen) / 100n) / 10000);
  report.chart(
    {
      legend: { data: ['起拍价（万元）', '成交价（万元）'], top: 0 },
      grid: { left: 50, right: 16, top: 30, bottom: 50 },
      xAxis: {
        type: 'category',
        data: v.lots.map((l, i) => `${l.position ?? i + 1}. ${l.title.slice(0, 8)}`),
        axisLabel: { interval: 0, rotate: v.lots.length > 6 ? 30 : 0, fontSize: 9 },
      },
      yAxis: { type: 'value', name: '万元' },
      series: [
        { name: '起拍价（万元）', type: 'bar', data: v.lots.map((l) => toWan(l.startingPriceFen)), itemStyle: { color: '#8c8c8c' } },
        { name: '成交价（万元）', type: 'bar', data: v.lots.map((l) => toWan(l.hammerPriceFen)), itemStyle: { color: '#1677ff' } },
      ],
    },
    { height: 240 },
  );
  report.paragraph('灰色为起拍价，蓝色为成交价（流拍标的无成交价）。', { size: 8.5, muted: true });
  report.heading('三、标的明细');
  report.table(
    [
      { title: LOT_HEADERS[0], width: 0.4, align: 'center' },
      { title: LOT_HEADERS[1], width: 2 },
      { title: LOT_HEADERS[2], align: 'right' },
      { title: LOT_HEADERS[3], align: 'right' },
      { title: LOT_HEADERS[4], width: 1.4 },
      { title: LOT_HEADERS[5], width: 0.7, align: 'right' },
      { title: LOT_HEADERS[6], width: 0.6, align: 'right' },
    ],
    v.lots.map(lotRow),
  );
  report.paragraph(`数据截至 ${beijing(v.computedAt)}；页脚摘要为本结果数据（JSON）的 SHA-256。`, { size: 8, muted: true });
  return report.finish();
}

import { Injectable } from '@nestjs/common';
import { PdfReport } from '@zjp/platform';
import ExcelJS from 'exceljs';
import type { BreakdownRowDto, FigureDto, PeriodicReportDto, ReportFiguresDto } from '../dto/periodic-report.dto';

/** fen → "1,234,567.89" (元, thousands separators), exact. */
export function yuan(fen: string): string {
  const neg = fen.startsWith('-');
  const digits = neg ? fen.slice(1) : fen;
  const f = digits.padStart(3, '0');
  const int = f.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${int}.${f.slice(-2)}`;
}

/** The figures in the order and with the words a reader sees in the files. */
export const FIGURE_ROWS: { key: keyof ReportFiguresDto; label: string }[] = [
  { key: 'listings', label: '新增挂牌（项）' },
  { key: 'auctionsHeld', label: '举办拍卖专场（场）' },
  { key: 'lotsOffered', label: '上拍标的（个）' },
  { key: 'lotsSold', label: '成交标的（个）' },
  { key: 'sellThroughRate', label: '成交率（%）' },
  { key: 'premiumRate', label: '溢价率（%）' },
  { key: 'soldStartFen', label: '成交标的起拍价合计（元）' },
  { key: 'soldHammerFen', label: '成交标的成交价合计（元）' },
  { key: 'deals', label: '成交笔数（笔）' },
  { key: 'dealValueFen', label: '成交金额（元）' },
  { key: 'contractsRegistered', label: '登记技术合同（份）' },
  { key: 'contractValueFen', label: '登记合同金额（元）' },
  { key: 'contractPaidFen', label: '合同实际到账（元）' },
  { key: 'subsidyApprovedFen', label: '核定补助（元）' },
  { key: 'subsidyPaidFen', label: '拨付补助（元）' },
];

const BREAKDOWNS: { key: keyof PeriodicReportDto['breakdowns']; title: string; sheet: string }[] = [
  { key: 'field', title: '按技术领域', sheet: '技术领域' },
  { key: 'region', title: '按地区（持有方所在地市）', sheet: '地区' },
  { key: 'holderType', title: '按持有方类型', sheet: '持有方类型' },
  { key: 'theme', title: '按专场主题', sheet: '专场主题' },
];

/** A figure's value as printed: 元 with separators for fen, "—" when undefined. */
export function shown(f: FigureDto, value: string | null = f.value): string {
  if (value === null) return '—';
  return f.unit === 'fen' ? yuan(value) : value;
}

const changeShown = (f: FigureDto, c: string | null) => (c === null ? '—' : f.unit === 'percent' ? `${c} 个百分点` : `${c}%`);

/** The XLSX (exceljs: 总体 and one sheet per breakdown, plus 月度趋势) and the PDF (PdfReport) of a stored report. */
@Injectable()
export class ReportExportsService {
  async xlsx(r: PeriodicReportDto): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = '浙江拍';
    wb.created = new Date(r.generatedAt);
    const overall = wb.addWorksheet('总体');
    overall.addRow([r.title, `${r.from} 至 ${r.to}`]);
    overall.addRow(['指标', '本期', '上期', '环比', '上年同期', '同比']);
    for (const { key, label } of FIGURE_ROWS) {
      const f = r.overall[key];
      overall.addRow([label, shown(f), shown(f, f.previous), changeShown(f, f.changeVsPrevious), shown(f, f.yearAgo), changeShown(f, f.changeVsYearAgo)]);
    }
    overall.addRow([]);
    overall.addRow(['上期', r.previousPeriod, '上年同期', r.yearAgoPeriod, 'SHA-256', r.sha256]);
    overall.columns.forEach((c, i) => (c.width = i === 0 ? 28 : 18));
    for (const b of BREAKDOWNS) {
      const ws = wb.addWorksheet(b.sheet);
      ws.addRow(['代码', '名称', ...FIGURE_ROWS.map((f) => f.label)]);
      for (const row of r.breakdowns[b.key]) ws.addRow([row.key, row.label, ...FIGURE_ROWS.map(({ key }) => shown(row.figures[key]))]);
      ws.columns.forEach((c) => (c.width = 16));
    }
    const trend = wb.addWorksheet('月度趋势');
    trend.addRow(['月份', '新增挂牌', '成交标的', '成交笔数', '成交金额（元）', '登记合同金额（元）']);
    for (const t of r.trend) trend.addRow([t.month, t.listings, t.lotsSold, t.deals, yuan(t.dealValueFen), yuan(t.contractValueFen)]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  async pdf(r: PeriodicReportDto): Promise<Buffer> {
    const pdf = new PdfReport({
      title: `浙江拍 技术市场${r.title}`,
      subtitle: `统计期 ${r.from} 至 ${r.to}，对比：上期 ${r.previousPeriod}，上年同期 ${r.yearAgoPeriod}`,
      createdAt: new Date(r.generatedAt),
      hash: r.sha256,
      footerNote: '浙江拍（中国浙江网上技术市场）',
      subject: r.title,
      landscape: true,
    });
    pdf.heading('一、总体指标');
    pdf.table(
      [
        { title: '指标', width: 2.2 },
        { title: '本期', align: 'right', width: 1.5 },
        { title: '上期', align: 'right', width: 1.5 },
        { title: '环比', align: 'right' },
        { title: '上年同期', align: 'right', width: 1.5 },
        { title: '同比', align: 'right' },
      ],
      FIGURE_ROWS.map(({ key, label }) => {
        const f = r.overall[key];
        return [label, shown(f), shown(f, f.previous), changeShown(f, f.changeVsPrevious), shown(f, f.yearAgo), changeShown(f, f.changeVsYearAgo)];
      }),
    );
    pdf.paragraph('成交率 = 成交标的 ÷ 上拍标的；溢价率 = 成交标的成交价合计 ÷ 其起拍价合计 − 1；环比、同比：数量和金额为增减百分比，比率为增减百分点。', {
      size: 8.5,
      muted: true,
    });
    pdf.ensureSpace(CHART_HEIGHT + 60).heading('二、各技术领域成交金额');
    const fields = r.breakdowns.field;
    pdf.chart(
      {
        grid: { left: 90, right: 30, top: 30, bottom: 60 },
        legend: { bottom: 0, data: ['成交金额（万元）', '登记合同金额（万元）'] },
        xAxis: { type: 'category', data: fields.map((f) => f.label) },
        yAxis: { type: 'value', name: '万元' },
        series: [
          { name: '成交金额（万元）', type: 'bar', data: fields.map((f) => wan(f.figures.dealValueFen.value)) },
          { name: '登记合同金额（万元）', type: 'bar', data: fields.map((f) => wan(f.figures.contractValueFen.value)) },
        ],
      },
      { height: CHART_HEIGHT },
    );
    pdf.ensureSpace(CHART_HEIGHT + 60).heading('三、月度趋势');
    pdf.chart(
      {
        grid: { left: 90, right: 60, top: 30, bottom: 60 },
        legend: { bottom: 0, data: ['成交金额（万元）', '成交笔数'] },
        xAxis: { type: 'category', data: r.trend.map((t) => t.month) },
        yAxis: [
          { type: 'value', name: '万元' },
          { type: 'value', name: '笔' },
        ],
        series: [
          { name: '成交金额（万元）', type: 'line', data: r.trend.map((t) => wan(t.dealValueFen)) },
          { name: '成交笔数', type: 'line', yAxisIndex: 1, data: r.trend.map((t) => t.deals) },
        ],
      },
      { height: CHART_HEIGHT },
    );
    let n = 4;
    for (const b of BREAKDOWNS) {
      pdf.ensureSpace(120).heading(`${['四', '五', '六', '七'][n - 4]}、${b.title}`);
      n++;
      pdf.table(breakdownColumns(), r.breakdowns[b.key].map(breakdownRow), { size: 7.5 });
    }
    return pdf.finish();
  }
}

const CHART_HEIGHT = 240;

const BREAKDOWN_FIGURES: (keyof ReportFiguresDto)[] = [
  'listings',
  'auctionsHeld',
  'lotsOffered',
  'lotsSold',
  'sellThroughRate',
  'premiumRate',
  'dealValueFen',
  'contractValueFen',
  'contractPaidFen',
  'subsidyApprovedFen',
  'subsidyPaidFen',
];

function breakdownColumns() {
  return [
    { title: '名称', width: 1.6 },
    ...BREAKDOWN_FIGURES.map((k) => ({ title: FIGURE_ROWS.find((f) => f.key === k)!.label, align: 'right' as const, width: k.endsWith('Fen') ? 1.4 : 1 })),
  ];
}

function breakdownRow(row: BreakdownRowDto): string[] {
  return [row.label, ...BREAKDOWN_FIGURES.map((k) => shown(row.figures[k]))];
}

/** fen → 万元 as a chart number (display only: the tables carry the exact 元). */
function wan(fen: string | null): number {
  return fen === null ? 0 : Number(BigInt(fen) / 100n) / 10000;
}

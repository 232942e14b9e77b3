import { readFileSync } from 'node:fs';
import * as echarts from 'echarts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

/*
 * The platform's printed documents (contracts, session results, periodic reports): A4, Chinese text
 * in Noto Sans SC embedded from npm (a fresh clone renders the same), a title block, headings,
 * key-value blocks, tables that continue over pages with their header repeated, charts drawn from an
 * ECharts option (rendered server-side to SVG, then to PDF vector paths), and on every page a footer
 * with 第 i 页 / 共 n 页 and, when given, the document's SHA-256 hash. The creation date is the
 * caller's, so the same content renders to the same bytes.
 */

const FONT_FILE = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const BOLD_FILE = require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');
let fonts: { regular: Buffer; bold: Buffer } | null = null;
const loadFonts = () => (fonts ??= { regular: readFileSync(FONT_FILE), bold: readFileSync(BOLD_FILE) });

export interface PdfReportOptions {
  title: string;
  subtitle?: string;
  /** the document's date (its PDF creation date): equal content and date give equal bytes */
  createdAt: Date;
  /** printed in every page's footer, e.g. the SHA-256 of the content the document renders */
  hash?: string;
  /** a line under the page number on every page (e.g. 浙江拍（中国浙江网上技术市场）) */
  footerNote?: string;
  landscape?: boolean;
  /** PDF metadata */
  subject?: string;
}

export interface PdfTableColumn {
  title: string;
  /** relative width (default 1) */
  width?: number;
  align?: 'left' | 'right' | 'center';
}

const MARGIN = 56;
const FOOTER_HEIGHT = 34;
const INK = '#1f1f1f';
const MUTED = '#595959';
const RULE = '#d9d9d9';
const HEADER_FILL = '#f0f5ff';

export class PdfReport {
  /** pdfkit's document, for what the helpers below don't draw */
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(private readonly options: PdfReportOptions) {
    this.doc = new PDFDocument({
      size: 'A4',
      layout: options.landscape ? 'landscape' : 'portrait',
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_HEIGHT },
      bufferPages: true,
      info: {
        Title: options.title,
        Subject: options.subject ?? options.subtitle ?? options.title,
        Creator: '浙江拍',
        Producer: '浙江拍',
        CreationDate: options.createdAt,
      },
    });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    const { regular, bold } = loadFonts();
    this.doc.registerFont('sc', regular);
    this.doc.registerFont('sc-bold', bold);
    this.doc.font('sc-bold').fontSize(18).fillColor(INK).text(options.title, { align: 'center' });
    if (options.subtitle) this.doc.moveDown(0.3).font('sc').fontSize(11).fillColor(MUTED).text(options.subtitle, { align: 'center' });
    this.doc.moveDown(0.8).font('sc').fontSize(10.5).fillColor(INK);
  }

  /** The width between the margins. */
  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page when fewer than `height` points are left on this one. */
  ensureSpace(height: number): this {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
    return this;
  }

  heading(text: string, level: 1 | 2 = 1): this {
    this.ensureSpace(level === 1 ? 60 : 40);
    this.doc
      .moveDown(level === 1 ? 0.8 : 0.5)
      .font('sc-bold')
      .fontSize(level === 1 ? 13 : 11.5)
      .fillColor(INK)
      .text(text, this.doc.page.margins.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3).font('sc').fontSize(10.5);
    return this;
  }

  paragraph(text: string, opts: { size?: number; muted?: boolean; align?: 'left' | 'center' | 'right' | 'justify' } = {}): this {
    this.doc
      .font('sc')
      .fontSize(opts.size ?? 10.5)
      .fillColor(opts.muted ? MUTED : INK)
      .text(text, this.doc.page.margins.left, this.doc.y, { width: this.width, align: opts.align ?? 'left', lineGap: 2 });
    this.doc.fillColor(INK).moveDown(0.2);
    return this;
  }

  /** Label–value lines in two columns (label muted, value in ink). */
  keyValues(rows: readonly (readonly [string, string])[], labelWidth = 130): this {
    const left = this.doc.page.margins.left;
    for (const [label, value] of rows) {
      this.doc.font('sc').fontSize(10.5);
      const h = Math.max(this.doc.heightOfString(label, { width: labelWidth - 8 }), this.doc.heightOfString(value, { width: this.width - labelWidth }));
      this.ensureSpace(h + 4);
      const y = this.doc.y;
      this.doc.fillColor(MUTED).text(label, left, y, { width: labelWidth - 8 });
      this.doc.fillColor(INK).text(value, left + labelWidth, y, { width: this.width - labelWidth, lineGap: 1 });
      this.doc.y = y + h + 4;
    }
    this.doc.x = left;
    return this;
  }

  /** A table; when it runs over a page, it continues on the next with its header repeated. */
  table(columns: readonly PdfTableColumn[], rows: readonly (readonly string[])[], opts: { size?: number } = {}): this {
    const size = opts.size ?? 9;
    const left = this.doc.page.margins.left;
    const total = columns.reduce((s, c) => s + (c.width ?? 1), 0);
    const widths = columns.map((c) => ((c.width ?? 1) / total) * this.width);
    const pad = 4;
    const rowHeight = (cells: readonly string[], font: string) => {
      this.doc.font(font).fontSize(size);
      return Math.max(...cells.map((cell, i) => this.doc.heightOfString(cell || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
    };
    const drawRow = (cells: readonly string[], font: string, fill?: string) => {
      const h = rowHeight(cells, font);
      const y = this.doc.y;
      if (fill) this.doc.rect(left, y, this.width, h).fill(fill);
      let x = left;
      this.doc.font(font).fontSize(size).fillColor(INK);
      cells.forEach((cell, i) => {
        this.doc.text(cell, x + pad, y + pad, { width: widths[i] - 2 * pad, align: columns[i].align ?? 'left' });
        x += widths[i];
      });
      this.doc
        .moveTo(left, y + h)
        .lineTo(left + this.width, y + h)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      this.doc.y = y + h;
    };
    const header = columns.map((c) => c.title);
    this.ensureSpace(rowHeight(header, 'sc-bold') + (rows[0] ? rowHeight(rows[0], 'sc') : 0));
    drawRow(header, 'sc-bold', HEADER_FILL);
    for (const row of rows) {
      if (this.doc.y + rowHeight(row, 'sc') > this.bottom) {
        this.doc.addPage();
        drawRow(header, 'sc-bold', HEADER_FILL);
      }
      drawRow(row, 'sc');
    }
    this.doc.x = left;
    this.doc.font('sc').fontSize(10.5).moveDown(0.5);
    return this;
  }

  /**
   * A chart from an ECharts option (the same option the web app's charts take), rendered by ECharts'
   * server-side SVG renderer and drawn as vectors; animation is turned off and text uses the embedded font.
   */
  chart(option: Record<string, unknown>, opts: { height?: number } = {}): this {
    const height = opts.height ?? 220;
    const width = this.width;
    this.ensureSpace(height + 8);
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
    try {
      chart.setOption({ animation: false, textStyle: { fontFamily: 'Noto Sans SC' }, ...option });
      const svg = chart.renderToSVGString();
      SVGtoPDF(this.doc, svg, this.doc.page.margins.left, this.doc.y, { width, height, fontCallback: () => 'sc', assumePt: true });
    } finally {
      chart.dispose();
    }
    this.doc.y += height + 8;
    this.doc.x = this.doc.page.margins.left;
    this.doc.font('sc').fontSize(10.5).fillColor(INK);
    return this;
  }

  pageBreak(): this {
    this.doc.addPage();
    return this;
  }

  /** Writes every page's footer (page i of n, the hash, the note) and returns the file. */
  finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const page = this.doc.page;
      const bottomMargin = page.margins.bottom;
      page.margins.bottom = 0; // writing below the bottom margin must not start a new page
      const y = page.height - MARGIN - FOOTER_HEIGHT + 10;
      const width = page.width - 2 * MARGIN;
      this.doc
        .moveTo(MARGIN, y - 4)
        .lineTo(page.width - MARGIN, y - 4)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      const lines = [`第 ${i - range.start + 1} 页 / 共 ${range.count} 页`];
      if (this.options.hash) lines.push(`文件摘要（SHA-256）：${this.options.hash}`);
      if (this.options.footerNote) lines.push(this.options.footerNote);
      this.doc.font('sc').fontSize(7.5).fillColor(MUTED).text(lines.join('\n'), MARGIN, y, { width, align: 'center', lineGap: 1 });
      page.margins.bottom = bottomMargin;
    }
    this.doc.end();
    return this.done;
  }
}

import { pdfPages } from '../../../../test/support/pdf-text';
import { PdfReport } from './pdf-report';

const createdAt = new Date('2026-12-01T02:00:00Z');
const hash = 'ab'.repeat(32);

function longReport(): PdfReport {
  const report = new PdfReport({ title: '2026年11月 技术市场月度监测', subtitle: '浙江拍', createdAt, hash, footerNote: '浙江拍（中国浙江网上技术市场）' });
  report.heading('一、概况').keyValues([
    ['挂牌数', '1,234 项'],
    ['成交额', '¥12,345,678.90'],
  ]);
  report.chart({
    xAxis: { type: 'category', data: ['电子信息', '生物医药', '新材料'] },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: [12, 7, 3] }],
  });
  report.heading('二、明细');
  const rows = Array.from({ length: 120 }, (_, i) => [`第${i + 1}行 成果名称`, `${(i + 1) * 1000}`, i % 2 ? '已成交' : '流拍']);
  report.table([{ title: '成果', width: 3 }, { title: '金额（元）', align: 'right' }, { title: '状态' }], rows);
  return report;
}

describe('PdfReport', () => {
  it('continues a long table over pages with its header, and prints page i of n and the hash on every page', async () => {
    const pages = await pdfPages(await longReport().finish());
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((page, i) => {
      const compact = page.replace(/\s+/g, ''); // pdftotext drops the thin spaces between CJK and digits
      expect(compact).toContain(`第${i + 1}页/共${pages.length}页`);
      expect(compact).toContain(hash);
      expect(page).toContain('浙江拍（中国浙江网上技术市场）');
    });
    expect(pages[0]).toContain('2026年11月 技术市场月度监测');
    expect(pages[0]).toContain('¥12,345,678.90');
    // the table's header is repeated on the page it continues on, and its last row is there
    const last = pages[pages.length - 1];
    expect(last).toContain('金额（元）');
    expect(pages.join('\n')).toContain('第120行 成果名称');
  });

  it('draws the chart with its axis labels as text in the embedded font', async () => {
    const [first] = await pdfPages(await longReport().finish());
    expect(first).toContain('生物医药');
  });

  it('renders the same content on the same date to the same bytes', async () => {
    const [a, b] = await Promise.all([longReport().finish(), longReport().finish()]);
    expect(a.equals(b)).toBe(true);
  });
});

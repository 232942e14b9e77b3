import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { components } from '../../../api/schema';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Row = components['schemas']['BudgetRowDto'];

const yuanOf = (fen: string) => Number(BigInt(fen) / 100n);

/** Budget used (paid, approved not yet paid) and left per policy, as stacked horizontal bars in 元 (this module is its own chunk). */
export default function BudgetChart({ rows, labels }: { rows: Row[]; labels: { paid: string; reserved: string; left: string; unit: string } }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const names = rows.map((r) => r.name);
    const series = (name: string, data: number[], color: string) => ({
      name,
      type: 'bar' as const,
      stack: 'budget',
      data,
      itemStyle: { color },
      barMaxWidth: 22,
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${labels.unit}` },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => v.toLocaleString('en-US') } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 180, overflow: 'truncate' } },
      series: [
        series(
          labels.paid,
          rows.map((r) => yuanOf(r.paidFen)),
          '#1677ff',
        ),
        series(
          labels.reserved,
          rows.map((r) => yuanOf(r.reservedFen)),
          '#faad14',
        ),
        series(
          labels.left,
          rows.map((r) => Math.max(0, yuanOf(r.remainingFen))),
          '#d9d9d9',
        ),
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [rows, labels]);
  return <div ref={ref} data-testid="budget-chart" style={{ width: '100%', height: Math.max(140, 60 + rows.length * 36) }} />;
}

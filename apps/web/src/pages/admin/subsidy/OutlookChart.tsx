import { useEffect, useRef } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { components } from '../../../api/schema';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

type Outlook = components['schemas']['PolicyOutlookDto'];

/** Whole 元 of a fen amount, for plotting only (the figures shown as text come from the fen strings). */
const yuanOf = (fen: string) => Number(BigInt(fen) / 100n);

export interface OutlookChartLabels {
  committed: string;
  pending: string;
  expected: string;
  cumulative: string;
  budget: string;
  unit: string;
}

/** Stacked monthly committed / pending / expected bars, the cumulative line and the budget line, in 元 (its own chunk). */
export default function OutlookChart({ outlook, labels, height = 320 }: { outlook: Outlook; labels: OutlookChartLabels; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const months = outlook.months.map((m) => m.month);
    const bar = (name: string, pick: (m: Outlook['months'][number]) => string, color: string) => ({
      name,
      type: 'bar' as const,
      stack: 'month',
      data: outlook.months.map((m) => yuanOf(pick(m))),
      itemStyle: { color },
      barMaxWidth: 36,
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${labels.unit}` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => v.toLocaleString('en-US') } },
      series: [
        bar(labels.committed, (m) => m.committedFen, '#1677ff'),
        bar(labels.pending, (m) => m.pendingFen, '#faad14'),
        bar(labels.expected, (m) => m.expectedFen, '#95de64'),
        {
          name: labels.cumulative,
          type: 'line' as const,
          data: outlook.months.map((m) => yuanOf(m.cumulativeFen)),
          itemStyle: { color: '#722ed1' },
          symbolSize: 7,
        },
        {
          name: labels.budget,
          type: 'line' as const,
          data: outlook.months.map(() => yuanOf(outlook.budgetFen)),
          itemStyle: { color: '#f5222d' },
          lineStyle: { type: 'dashed' },
          symbol: 'none',
          // The line across the whole chart (a single month has no segment to draw); the points keep the axis above the budget.
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: '#f5222d', type: 'dashed', width: 2 },
            label: { position: 'insideEndTop', formatter: () => `${labels.budget} ${yuanOf(outlook.budgetFen).toLocaleString('en-US')} ${labels.unit}` },
            data: [{ yAxis: yuanOf(outlook.budgetFen) }],
          },
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [outlook, labels]);
  return <div ref={ref} data-testid="outlook-chart" style={{ width: '100%', height }} />;
}

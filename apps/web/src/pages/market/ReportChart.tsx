import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** A report's breakdown as bars: concluded value in 元 (left axis) and a count (right axis). */
export default function ReportChart({
  rows,
  labels,
}: {
  rows: { name: string; valueFen: string; count: number }[];
  labels: { value: string; count: string; unit: string };
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, width: 90, overflow: 'truncate' } },
      yAxis: [
        { type: 'value', name: labels.unit, axisLabel: { formatter: (v: number) => v.toLocaleString('en-US') } },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: labels.value,
          type: 'bar',
          barMaxWidth: 36,
          itemStyle: { color: '#c8161d' },
          tooltip: { valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${labels.unit}` },
          data: rows.map((r) => Number(BigInt(r.valueFen) / 100n)),
        },
        { name: labels.count, type: 'bar', yAxisIndex: 1, barMaxWidth: 36, itemStyle: { color: '#1677ff' }, data: rows.map((r) => r.count) },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [rows, labels]);
  return <div ref={ref} data-testid="report-chart" style={{ width: '100%', height: 320 }} />;
}

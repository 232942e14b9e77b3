import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** The top holders' scores as horizontal bars, best on top (this module is its own chunk). */
export default function RankingsChart({ rows, unit }: { rows: { name: string; rank: number; score: number }[]; unit: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${Number(v).toFixed(2)} ${unit}` },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 100 },
      yAxis: { type: 'category', data: rows.map((r) => `${r.rank}. ${r.name}`), inverse: true, axisLabel: { width: 200, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => r.score),
          itemStyle: { color: '#c8161d' },
          barMaxWidth: 20,
          label: { show: true, position: 'right', formatter: (p: { value: number }) => p.value.toFixed(2) },
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [rows, unit]);
  return <div ref={ref} data-testid="rankings-chart" style={{ width: '100%', height: Math.max(120, 24 + rows.length * 32) }} />;
}

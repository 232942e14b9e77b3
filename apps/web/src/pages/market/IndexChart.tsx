import { useEffect, useRef } from 'react';
import { LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

/** The activity index over time as a line, with the base = 100 line (this module is its own chunk). */
export default function IndexChart({ points, labels }: { points: { date: string; index: number | null }[]; labels: { series: string; base: string } }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : Number(v).toFixed(2)) },
      grid: { left: 8, right: 56, top: 24, bottom: points.length > 60 ? 48 : 8, containLabel: true },
      xAxis: { type: 'category', data: points.map((p) => p.date), boundaryGap: false },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => v.toFixed(0) } },
      dataZoom: points.length > 60 ? [{ type: 'slider', height: 20, bottom: 8 }] : [],
      series: [
        {
          name: labels.series,
          type: 'line',
          data: points.map((p) => p.index),
          showSymbol: points.length <= 60,
          lineStyle: { width: 2, color: '#c8161d' },
          itemStyle: { color: '#c8161d' },
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { type: 'dashed', color: '#8c8c8c' },
            label: { formatter: labels.base, position: 'end' },
            data: [{ yAxis: 100 }],
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
  }, [points, labels]);
  return <div ref={ref} data-testid="index-chart" style={{ width: '100%', height: 340 }} />;
}

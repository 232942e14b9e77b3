import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { components } from '../../api/schema';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Lot = components['schemas']['SessionResultLotDto'];

const yuanOf = (fen: string | null) => (fen === null ? 0 : Number(BigInt(fen) / 100n));

/** Each lot's starting price against its hammer price, in 元 (its own chunk). */
export default function SessionResultChart({ lots, labels }: { lots: Lot[]; labels: { start: string; hammer: string; unit: string } }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${labels.unit}` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: lots.map((l, i) => `${l.position ?? i + 1}. ${l.title}`), axisLabel: { width: 110, overflow: 'truncate', interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => v.toLocaleString('en-US') } },
      series: [
        { name: labels.start, type: 'bar', data: lots.map((l) => yuanOf(l.startingPriceFen)), itemStyle: { color: '#8c8c8c' }, barMaxWidth: 28 },
        { name: labels.hammer, type: 'bar', data: lots.map((l) => yuanOf(l.hammerPriceFen)), itemStyle: { color: '#1677ff' }, barMaxWidth: 28 },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [lots, labels]);
  return <div ref={ref} style={{ width: '100%', height: 280 }} data-testid="session-result-chart" />;
}

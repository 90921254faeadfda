/** Loss curves per epoch (Chart.js line chart): masked and unmasked, train and validation. */
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { chartColours } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

export interface Curve {
  key: 'trainMasked' | 'trainUnmasked' | 'valMasked' | 'valUnmasked';
  label: string;
}

export const CURVES: Curve[] = [
  { key: 'trainMasked', label: 'train · masked' },
  { key: 'trainUnmasked', label: 'train · unmasked' },
  { key: 'valMasked', label: 'validation · masked' },
  { key: 'valUnmasked', label: 'validation · unmasked' },
];

export interface EpochPoint {
  /** 1-based epoch */
  epoch: number;
  trainMasked: number | null;
  trainUnmasked: number | null;
  valMasked: number | null;
  valUnmasked: number | null;
}

type Point = { x: number; y: number | null };

export function drawCurves(
  canvas: HTMLCanvasElement,
  points: EpochPoint[],
  epochs: number,
  withValidation: boolean,
): Chart<'line', Point[]> {
  const c = chartColours();
  const colour = { trainMasked: c.masked2, trainUnmasked: c.unmasked, valMasked: c.masked2, valUnmasked: c.unmasked };
  const curves = CURVES.filter((k) => withValidation || !k.key.startsWith('val'));
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: {
      datasets: curves.map((curve) => ({
        label: curve.label,
        data: points.map((p) => ({ x: p.epoch, y: p[curve.key] })),
        borderColor: colour[curve.key],
        backgroundColor: colour[curve.key],
        // validation dashed and with square points, so the curves differ by more than colour
        borderDash: curve.key.startsWith('val') ? [6, 4] : [],
        pointStyle: curve.key.startsWith('val') ? 'rect' : curve.key.endsWith('Unmasked') ? 'triangle' : 'circle',
        pointRadius: 3,
        spanGaps: false,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { labels: { color: c.foreground, usePointStyle: true } },
        tooltip: { callbacks: { title: (items) => `epoch ${items[0]?.parsed.x ?? ''}` } },
      },
      scales: {
        x: {
          type: 'linear',
          min: 1,
          max: Math.max(2, epochs),
          ticks: { color: c.foreground, precision: 0, maxTicksLimit: 12 },
          grid: { color: c.grid },
          title: { display: true, text: 'epoch', color: c.foreground },
        },
        y: {
          type: 'linear',
          ticks: { color: c.foreground },
          grid: { color: c.grid },
          title: { display: true, text: 'loss', color: c.foreground },
        },
      },
    },
  };
  return new Chart(canvas, config);
}

/** Appends one epoch to a live chart without animation. */
export function addEpoch(chart: Chart<'line', Point[]>, point: EpochPoint): void {
  for (const dataset of chart.data.datasets) {
    const curve = CURVES.find((k) => k.label === dataset.label);
    if (curve) dataset.data.push({ x: point.epoch, y: point[curve.key] });
  }
  chart.update('none');
}

/** Epochs drawn on a curve chart (points of the first curve). */
export function pointsDrawn(chart: Chart<'line', Point[]>): number {
  return chart.data.datasets[0]?.data.length ?? 0;
}

/**
 * Samples × timesteps heatmaps (masks and per-timestep losses) drawn with Chart.js and its
 * matrix plugin. Large matrices are sampled down before drawing so the panel never freezes.
 */
import { Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { chartColours, mix } from './theme';

Chart.register(MatrixController, MatrixElement, LinearScale, Tooltip);

export const MAX_ROWS = 64;
export const MAX_COLS = 512;

interface Cell {
  x: number;
  y: number;
  v: number | null;
  masked: boolean;
}

export interface HeatmapInput {
  /** rows = samples, columns = timesteps */
  values: (number | null)[][];
  /** 1 = valid, 0 = masked; null when the layer carries no mask */
  mask: number[][] | null;
  kind: 'mask' | 'loss';
  /** The first sample index shown (for hover labels when a range is selected). */
  firstSample?: number;
  label: string;
}

/** Keeps every k-th row/column so at most MAX_ROWS × MAX_COLS cells are drawn. */
export function sampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = n / max;
  return Array.from({ length: max }, (_, i) => Math.floor(i * step));
}

export function drawHeatmap(canvas: HTMLCanvasElement, input: HeatmapInput): Chart<'matrix', Cell[]> {
  const colours = chartColours();
  const rows = sampleIndices(input.values.length, MAX_ROWS);
  const cols = sampleIndices(input.values[0]?.length ?? 0, MAX_COLS);
  const finite = input.values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const max = finite.length ? Math.max(...finite) : 1;
  const min = finite.length ? Math.min(...finite) : 0;
  const cells: Cell[] = [];
  for (const r of rows) {
    for (const c of cols) {
      const masked = input.mask ? input.mask[r]?.[c] === 0 : false;
      cells.push({ x: c, y: r + (input.firstSample ?? 0), v: input.values[r]?.[c] ?? null, masked });
    }
  }
  const colour = (cell: Cell): string => {
    if (input.kind === 'mask') return cell.v === 1 ? colours.valid : colours.masked;
    if (cell.v === null || !Number.isFinite(cell.v)) return colours.lossHigh;
    const t = max > min ? (cell.v - min) / (max - min) : 0;
    const base = mix(colours.lossLow, colours.lossHigh, t);
    return cell.masked ? colours.masked : base;
  };
  const config: ChartConfiguration<'matrix', Cell[]> = {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: input.label,
          data: cells,
          backgroundColor: (ctx) => colour(ctx.raw as Cell),
          borderColor: (ctx) => ((ctx.raw as Cell).masked && input.kind === 'loss' ? colours.foreground : 'transparent'),
          borderWidth: (ctx) => ((ctx.raw as Cell).masked && input.kind === 'loss' ? 0.5 : 0),
          width: ({ chart }) => Math.max(1, (chart.chartArea?.width ?? 0) / Math.max(1, cols.length) - 0.5),
          height: ({ chart }) => Math.max(1, (chart.chartArea?.height ?? 0) / Math.max(1, rows.length) - 0.5),
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: () => '',
            label: (ctx) => {
              const cell = ctx.raw as Cell;
              const value = cell.v === null ? 'n/a' : input.kind === 'mask' ? (cell.v === 1 ? 'valid (1)' : 'masked (0)') : cell.v.toPrecision(5);
              return `sample ${cell.y}, timestep ${cell.x}: ${value}${cell.masked && input.kind === 'loss' ? ' — masked' : ''}`;
            },
          },
        },
      },
      scales: {
        x: { type: 'linear', offset: false, min: -0.5, max: (cols[cols.length - 1] ?? 0) + 0.5, ticks: { color: colours.foreground, stepSize: Math.max(1, Math.ceil(cols.length / 10)), callback: (v) => (Number.isInteger(Number(v)) ? String(v) : '') }, grid: { display: false }, title: { display: true, text: 'timestep', color: colours.foreground } },
        y: { type: 'linear', reverse: true, offset: false, min: (input.firstSample ?? 0) - 0.5, max: (input.firstSample ?? 0) + (rows[rows.length - 1] ?? 0) + 0.5, ticks: { color: colours.foreground, stepSize: Math.max(1, Math.ceil(rows.length / 8)), callback: (v) => (Number.isInteger(Number(v)) ? String(v) : '') }, grid: { display: false }, title: { display: true, text: 'sample', color: colours.foreground } },
      },
    },
  };
  return new Chart(canvas, config);
}

/**
 * Samples × timesteps heatmaps (masks and per-timestep losses) drawn with Chart.js and its
 * matrix plugin. Only the planned rows and timesteps are drawn (see ./sampling.ts: at most
 * MAX_CELLS cells), so the panel never freezes. Masked cells are hatched, not only greyed,
 * and the hover names sample, timestep and value.
 */
import { Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { cellLabel, type HeatmapPlan } from './sampling';
import { chartColours, mix } from './theme';

Chart.register(MatrixController, MatrixElement, LinearScale, Tooltip);

interface Cell {
  x: number;
  /** the data's own sample number */
  y: number;
  /** row position in the drawn plan (the y axis) */
  row: number;
  v: number | null;
  masked: boolean;
}

export interface HeatmapInput {
  /** rows = the result's samples, columns = timesteps */
  values: (number | null)[][];
  /** 1 = valid, 0 = masked; null when the layer carries no mask */
  mask: number[][] | null;
  kind: 'mask' | 'loss';
  /** Which rows and timesteps to draw. */
  plan: HeatmapPlan;
  /** The data's sample number of each result row (caps.samples.indices). */
  sampleIndex: readonly number[];
  /** The loss colour scale (over all rows, so it does not change with the range). */
  extent?: { min: number; max: number };
  label: string;
}

/** A diagonal hatch in the theme's colours: masked cells differ by pattern, not by hue alone. */
function hatch(background: string, line: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 6;
  tile.height = 6;
  const ctx = tile.getContext('2d');
  if (!ctx) return background;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, 6, 6);
  ctx.strokeStyle = line;
  ctx.lineWidth = 1.2;
  ctx.beginPath();
  ctx.moveTo(0, 6);
  ctx.lineTo(6, 0);
  ctx.moveTo(-1, 1);
  ctx.lineTo(1, -1);
  ctx.moveTo(5, 7);
  ctx.lineTo(7, 5);
  ctx.stroke();
  return ctx.createPattern(tile, 'repeat') ?? background;
}

export function drawHeatmap(canvas: HTMLCanvasElement, input: HeatmapInput): Chart<'matrix', Cell[]> {
  const colours = chartColours();
  const { rows, cols } = input.plan;
  const { min, max } = input.extent ?? { min: 0, max: 1 };
  const cells: Cell[] = [];
  rows.forEach((r, i) => {
    for (const c of cols) {
      const v = input.values[r]?.[c] ?? null;
      const masked = input.kind === 'mask' ? v === 0 : input.mask ? input.mask[r]?.[c] === 0 : false;
      cells.push({ x: c, y: input.sampleIndex[r] ?? r, row: i, v, masked });
    }
  });
  const maskedFill = hatch(colours.background, colours.masked);
  const colour = (cell: Cell): string | CanvasPattern => {
    if (cell.masked) return maskedFill;
    if (input.kind === 'mask') return colours.valid;
    if (cell.v === null || !Number.isFinite(cell.v)) return colours.lossHigh;
    const t = max > min ? (cell.v - min) / (max - min) : 0;
    return mix(colours.lossLow, colours.lossHigh, t);
  };
  const lastCol = cols[cols.length - 1] ?? 0;
  const config: ChartConfiguration<'matrix', Cell[]> = {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: input.label,
          data: cells,
          parsing: { xAxisKey: 'x', yAxisKey: 'row' },
          backgroundColor: (ctx) => colour(ctx.raw as Cell),
          borderWidth: 0,
          width: ({ chart }) =>
            Math.max(1, (chart.chartArea?.width ?? 0) / Math.max(1, cols.length) - (cols.length > 120 ? 0 : 0.5)),
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
              return cellLabel(input.kind, cell.y, cell.x, cell.v, cell.masked);
            },
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          offset: false,
          min: -0.5,
          max: lastCol + 0.5,
          ticks: {
            color: colours.foreground,
            maxTicksLimit: 12,
            callback: (v) => (Number.isInteger(Number(v)) ? String(v) : ''),
          },
          grid: { display: false },
          title: { display: true, text: 'timestep', color: colours.foreground },
        },
        y: {
          type: 'linear',
          reverse: true,
          offset: false,
          min: -0.5,
          max: rows.length - 0.5,
          // one tick per k-th drawn row, labelled with the data's sample number
          afterBuildTicks: (scale) => {
            const step = Math.max(1, Math.ceil(rows.length / 8));
            scale.ticks = rows.map((_, i) => ({ value: i })).filter((t) => t.value % step === 0);
          },
          ticks: {
            color: colours.foreground,
            autoSkip: false,
            callback: (v) => {
              const i = Number(v);
              return Number.isInteger(i) && rows[i] !== undefined ? String(input.sampleIndex[rows[i]] ?? rows[i]) : '';
            },
          },
          grid: { display: false },
          title: { display: true, text: 'sample', color: colours.foreground },
        },
      },
    },
  };
  return new Chart(canvas, config);
}

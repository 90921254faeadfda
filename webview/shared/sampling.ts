/**
 * Which samples and timesteps a heatmap draws: the user's sample range, and sampling of large
 * matrices so one heatmap never draws more than MAX_CELLS cells (the panel must not freeze).
 * Pure (no DOM, no Chart.js): unit-tested under test/webview/.
 */

/** Most rows (samples) one heatmap shows at once. */
export const MAX_ROWS = 64;
/** Most cells one heatmap draws; wider matrices keep every k-th timestep. */
export const MAX_CELLS = 16_384;
/** The sample counts offered in the panel. */
export const COUNT_CHOICES = [8, 16, 32, 64] as const;
export const DEFAULT_COUNT = 32;

/** Keeps every k-th index so at most `max` of `n` remain (first index always kept). */
export function sampleIndices(n: number, max: number): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = n / Math.max(1, max);
  return Array.from({ length: Math.max(1, max) }, (_, i) => Math.floor(i * step));
}

/** Rows [start, end) of the result's rows. */
export interface RowRange {
  start: number;
  end: number;
}

/** A valid range from what the user typed: start clamped to the rows, count to 1…MAX_ROWS. */
export function clampRange(start: number, count: number, rows: number): RowRange {
  if (rows <= 0) return { start: 0, end: 0 };
  const c = Math.min(MAX_ROWS, rows, Math.max(1, Number.isFinite(count) ? Math.floor(count) : DEFAULT_COUNT));
  const s = Math.min(rows - c, Math.max(0, Number.isFinite(start) ? Math.floor(start) : 0));
  return { start: s, end: s + c };
}

/** The range one page before (-1) or after (+1) `range`, clamped. */
export function pageRange(range: RowRange, direction: -1 | 1, rows: number): RowRange {
  const count = range.end - range.start;
  return clampRange(range.start + direction * count, count, rows);
}

export interface HeatmapPlan {
  /** Row positions (into the result's rows) to draw. */
  rows: number[];
  /** Column (timestep) indices to draw. */
  cols: number[];
  /** 1 when every timestep is drawn, k when every k-th is. */
  colStride: number;
}

/** The rows of `range` and as many evenly spaced timesteps as fit in MAX_CELLS. */
export function heatmapPlan(range: RowRange, timesteps: number, maxCells = MAX_CELLS): HeatmapPlan {
  const rows = Array.from({ length: Math.max(0, range.end - range.start) }, (_, i) => range.start + i);
  const maxCols = Math.max(1, Math.floor(maxCells / Math.max(1, rows.length)));
  const cols = sampleIndices(timesteps, maxCols);
  return { rows, cols, colStride: timesteps > cols.length ? Math.ceil(timesteps / Math.max(1, cols.length)) : 1 };
}

/**
 * "showing samples a–b of N", where a and b are the data's own sample numbers; says when the
 * result holds only some of the samples (the masklens.samplesShown setting) or when timesteps
 * are sampled.
 */
export function rangeLabel(
  range: RowRange,
  sampleIndex: readonly number[],
  totalSamples: number,
  plan?: HeatmapPlan,
  timesteps?: number,
): string {
  if (range.end <= range.start) return `showing no samples of ${totalSamples}`;
  const first = sampleIndex[range.start] ?? range.start;
  const last = sampleIndex[range.end - 1] ?? range.end - 1;
  const parts = [`showing samples ${first}–${last} of ${totalSamples}`];
  const rows = sampleIndex.length || range.end;
  if (rows < totalSamples)
    parts.push(`(${range.end - range.start} of the ${rows} samples kept in the result; setting masklens.samplesShown)`);
  if (plan && timesteps !== undefined && plan.colStride > 1)
    parts.push(`· every ${ordinal(plan.colStride)} of ${timesteps} timesteps`);
  return parts.join(' ');
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

/** min and max of the finite values of a matrix (for one colour scale across ranges). */
export function finiteExtent(values: readonly (readonly (number | null)[])[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const row of values) {
    for (const v of row) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min === Infinity ? { min: 0, max: 1 } : { min, max };
}

/** The hover text of one heatmap cell: sample (the data's number), timestep, value, masked or not. */
export function cellLabel(
  kind: 'mask' | 'loss',
  sample: number,
  timestep: number,
  value: number | null,
  masked: boolean,
): string {
  const shown =
    value === null
      ? 'n/a'
      : kind === 'mask'
        ? value === 1
          ? 'valid (1)'
          : 'masked (0)'
        : Number.isFinite(value)
          ? value.toPrecision(5)
          : String(value);
  return `sample ${sample}, timestep ${timestep}: ${shown}${masked && kind === 'loss' ? ' (masked: padding)' : ''}`;
}

/**
 * Every chart the panel shows, by id: boxes with a title, the canvas and a "Save PNG" button,
 * redrawn when the theme changes, exported as PNG on the editor's background.
 */
import type { Chart } from 'chart.js';
import { h } from '../shared/dom';
import { cssVar } from '../shared/theme';
import { send } from '../shared/vscodeApi';

interface Entry {
  chart: Chart | undefined;
  draw: () => Chart;
  canvas: HTMLCanvasElement;
}

const charts = new Map<string, Entry>();
const pending: (() => void)[] = [];
let scheduled = false;
/** The current batch of queued charts: when it started, how many were drawn, the longest draw. */
let batch: { started: number; drawn: number; longestMs: number } | undefined;

/** Draws queued charts one per task, so many heatmaps never block the panel in one go. */
function pump(): void {
  scheduled = false;
  const next = pending.shift();
  if (next) {
    const t0 = performance.now();
    next();
    if (batch) {
      batch.drawn++;
      batch.longestMs = Math.max(batch.longestMs, performance.now() - t0);
    }
  }
  if (pending.length) schedule();
  else if (batch) {
    // all queued charts are on screen: report how long that took and the longest single draw
    send({
      type: 'rendered',
      view: 'charts',
      summary: `drawn=${batch.drawn} ms=${Math.round(performance.now() - batch.started)} longestMs=${Math.round(batch.longestMs)}`,
    });
    batch = undefined;
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  batch ??= { started: performance.now(), drawn: 0, longestMs: 0 };
  setTimeout(pump, 0);
}

export function disposeCharts(): void {
  pending.length = 0;
  batch = undefined;
  for (const e of charts.values()) e.chart?.destroy();
  charts.clear();
}

export function disposeChart(id: string): void {
  charts.get(id)?.chart?.destroy();
  charts.delete(id);
}

export function getChart(id: string): Chart | undefined {
  return charts.get(id)?.chart;
}

export function chartIds(): string[] {
  return [...charts.keys()];
}

/** Chart ids are used as export file names: keep them plain. */
export function chartId(text: string): string {
  return text.replace(/[^\w.-]+/g, '_').slice(0, 100);
}

/**
 * A titled box holding a chart. `draw` runs once the box is in the page (queued), and again
 * on theme changes. `heightPx` is set through the CSSOM (the CSP forbids style attributes).
 */
export function chartBox(
  id: string,
  title: string,
  heightPx: number,
  draw: (canvas: HTMLCanvasElement) => Chart,
  immediate = false,
): HTMLElement {
  disposeChart(id);
  const canvas = h('canvas', { id, role: 'img', 'aria-label': title });
  const holder = h('div', { class: 'ml-chart' }, canvas);
  holder.style.height = `${heightPx}px`;
  const save = h(
    'vscode-button',
    {
      appearance: 'secondary',
      class: 'ml-save-png',
      'aria-label': `Save ${title} as PNG`,
      title: 'Save this chart as a PNG file',
      'data-chart': id,
    },
    'Save PNG',
  );
  save.addEventListener('click', () => exportPng(id));
  const box = h(
    'figure',
    { class: 'ml-chart-box', 'data-chart': id },
    h('figcaption', { class: 'ml-chart-head' }, h('span', { class: 'ml-chart-title' }, title), save),
    holder,
  );
  const entry: Entry = { chart: undefined, canvas, draw: () => draw(canvas) };
  charts.set(id, entry);
  const run = () => {
    if (charts.get(id) !== entry || !canvas.isConnected) return;
    entry.chart?.destroy();
    entry.chart = entry.draw();
  };
  if (immediate) queueMicrotask(run);
  else {
    pending.push(run);
    schedule();
  }
  return box;
}

/** Redraws every chart (new theme colours). */
export function redrawAll(): void {
  for (const entry of charts.values()) {
    if (!entry.chart || !entry.canvas.isConnected) continue;
    entry.chart.destroy();
    entry.chart = entry.draw();
  }
}

/** The chart as a PNG data URL, painted on the editor background (the canvas itself is transparent). */
export function chartPng(chart: Chart): string {
  const source = chart.canvas;
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const ctx = out.getContext('2d');
  if (!ctx) return chart.toBase64Image('image/png', 1);
  ctx.fillStyle = cssVar('--vscode-editor-background', '#1e1e1e');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  return out.toDataURL('image/png');
}

/** Sends one chart to the host as PNG; false when there is no such chart (yet). */
export function exportPng(id: string): boolean {
  const chart = getChart(id);
  if (!chart) return false;
  send({ type: 'export', format: 'png', name: chartId(id), dataUrl: chartPng(chart) });
  return true;
}

/**
 * Renders evaluate / compare / train results: where the mask goes layer by layer, the
 * masks and per-timestep losses as heatmaps, and every reduction with the Keras versions
 * that compute it. Payloads are validated against the runtime's own schemas first.
 */
import type { Chart } from 'chart.js';
import { formatNumber } from '../../src/core/format';
import { REDUCTIONS, REDUCTION_IDS } from '../../src/core/reductions';
import { compareResultSchema, evaluateResultSchema, trainResultSchema, type CompareResult, type EvaluateResult, type TrainResult } from '../../src/core/runtime/types';
import { h } from '../shared/dom';
import { drawHeatmap } from '../shared/heatmap';

const charts: Chart[] = [];

export function disposeCharts(): void {
  for (const c of charts.splice(0)) c.destroy();
}

function grid(headers: string[], rows: string[][], id: string): HTMLElement {
  const table = h('vscode-data-grid', { id, 'aria-label': id, 'grid-template-columns': headers.map(() => '1fr').join(' ') });
  table.append(h('vscode-data-grid-row', { 'row-type': 'header' }, ...headers.map((t, i) => h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, t))));
  for (const row of rows) table.append(h('vscode-data-grid-row', {}, ...row.map((t, i) => h('vscode-data-grid-cell', { 'grid-column': i + 1 }, t))));
  return table;
}

function heatmapBox(label: string, values: (number | null)[][], mask: number[][] | null, kind: 'mask' | 'loss', id: string): HTMLElement {
  const rows = Math.min(64, values.length);
  const canvas = h('canvas', { id, role: 'img', 'aria-label': label });
  const box = h('div', { class: 'ml-heatmap', style: `height: ${Math.max(70, Math.min(320, rows * 14 + 50))}px` }, canvas);
  queueMicrotask(() => charts.push(drawHeatmap(canvas, { values, mask, kind, label })));
  return box;
}

function dataLine(result: { data: EvaluateResult['data']; backend: string }): HTMLElement {
  return h(
    'p',
    { class: 'ml-data' },
    h('vscode-tag', {}, result.data.synthetic ? 'synthetic data' : `${result.data.source} data`),
    ` ${result.data.description} · ${result.data.samples} sample(s) · backend `,
    h('strong', {}, result.backend),
  );
}

function reductionsTable(values: Record<string, number>, id = 'reductions'): HTMLElement {
  return grid(
    ['Reduction', 'Loss', 'Formula', 'Computed by'],
    REDUCTION_IDS.map((r) => [REDUCTIONS[r].label, formatNumber(values[r]), REDUCTIONS[r].formula, REDUCTIONS[r].kerasVersions]),
    id,
  );
}

export function renderEvaluate(payload: unknown): { el: HTMLElement; summary: string } {
  const r: EvaluateResult = evaluateResultSchema.parse(payload);
  const el = h('div', { class: 'ml-evaluate' });
  el.append(h('h2', {}, `${r.model} — evaluated with masking (${r.family}, Keras ${r.kerasVersion})`), dataLine(r));
  for (const w of r.warnings) el.append(h('div', { class: 'ml-warning', role: 'note' }, `⚠ ${w}`));

  el.append(h('h3', {}, 'Mask flow'));
  const flow = h('div', { class: 'ml-flow', id: 'mask-flow' });
  for (const layer of r.layers) {
    const dropped = layer.effect === 'destroys';
    const strip = h(
      'div',
      { class: `ml-strip ml-effect-${layer.effect}${dropped ? ' ml-dropped' : ''}`, 'data-layer': layer.name, tabindex: 0 },
      h('div', { class: 'ml-strip-head' }, h('strong', {}, layer.name), ` ${layer.className} `, h('vscode-tag', { class: 'ml-effect' }, dropped ? 'mask dropped' : layer.effect), ` → ${JSON.stringify(layer.outputShape)}`),
    );
    if (layer.warning) strip.append(h('div', { class: 'ml-warning' }, layer.warning));
    if (layer.mask) strip.append(heatmapBox(`${layer.name} mask`, layer.mask, null, 'mask', `mask-${layer.name}`));
    else strip.append(h('div', { class: 'ml-nomask' }, layer.maskIn ? 'mask consumed or dropped here: no mask leaves this layer' : 'no mask'));
    flow.append(strip);
  }
  el.append(flow);

  if (r.loss && r.lossValues) {
    el.append(h('h3', {}, `Per-timestep loss (${r.loss.name})`));
    el.append(heatmapBox('per-timestep loss', r.loss.perTimestep, r.outputMask, 'loss', 'loss-heatmap'));
    el.append(h('h3', {}, 'Reductions'), reductionsTable(r.lossValues));
    if (r.paddingShareOfUnmaskedLoss !== null) el.append(h('p', { id: 'padding-share' }, `Padded timesteps make up ${formatNumber(r.paddingShareOfUnmaskedLoss * 100)}% of the unmasked loss.`));
    el.append(h('p', {}, `Keras (${r.family}) reports ${formatNumber(r.loss.keras.value)} (${r.loss.keras.reduction}).`));
  } else {
    el.append(h('p', {}, 'No labels: masks and outputs are shown, losses are not.'));
  }
  const summary = r.lossValues ? `valid-mean=${r.lossValues['valid-mean']} none=${r.lossValues.none} layers=${r.layers.length}` : `layers=${r.layers.length} no-loss`;
  return { el, summary };
}

export function renderCompare(payload: unknown): { el: HTMLElement; summary: string } {
  const r: CompareResult = compareResultSchema.parse(payload);
  const el = h('div', { class: 'ml-compare' });
  el.append(h('h2', {}, `${r.model} — masked vs unmasked ${r.loss}`), dataLine(r));
  el.append(h('p', { class: r.maskReachesLoss ? 'ml-ok' : 'ml-warning' }, r.maskReachesLoss ? 'The mask reaches the loss.' : `The mask does not reach the loss${r.maskDroppedBy ? `: dropped by ${r.maskDroppedBy}` : ''}.`));
  el.append(reductionsTable(Object.fromEntries(r.reductions.map((x) => [x.id, x.value])), 'compare-reductions'));
  return { el, summary: r.reductions.map((x) => `${x.id}=${x.value}`).join(' ') };
}

export function renderTrain(payload: unknown): { el: HTMLElement; summary: string } {
  const r: TrainResult = trainResultSchema.parse(payload);
  const el = h('div', { class: 'ml-train' });
  el.append(h('h2', {}, `${r.model} — trained ${r.history.length} epoch(s) minimising ${r.reduction}`), dataLine(r));
  if (r.stopped.reason !== 'completed') el.append(h('div', { class: 'ml-warning', role: 'alert' }, `Stopped: ${r.stopped.message}`));
  el.append(
    grid(
      ['Epoch', 'Train masked', 'Train unmasked', 'Val masked', 'Val unmasked', 'Seconds'],
      r.history.map((e) => [String(e.epoch + 1), formatNumber(e.train.masked), formatNumber(e.train.unmasked), formatNumber(e.val?.masked), formatNumber(e.val?.unmasked), e.seconds.toFixed(2)]),
      'history',
    ),
  );
  return { el, summary: `epochs=${r.history.length} stopped=${r.stopped.reason}` };
}

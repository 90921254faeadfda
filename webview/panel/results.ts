/**
 * Renders evaluate / compare / train results: where the mask goes layer by layer (a dropped
 * mask is flagged and links to its source line), the masks and per-timestep losses as
 * heatmaps over a chosen sample range, every reduction with the Keras versions that compute
 * it, and export buttons. Payloads are validated against the runtime's own schemas first.
 */
import { formatNumber, formatShape } from '../../src/core/format';
import type { ResultSources } from '../../src/core/protocol/viewMessages';
import { REDUCTIONS, REDUCTION_IDS } from '../../src/core/reductions';
import { compareResultSchema, evaluateResultSchema, trainResultSchema, type CompareResult, type EvaluateResult, type LayerResult, type TrainResult } from '../../src/core/protocol/runtimeTasks';
import { clear, h } from '../shared/dom';
import { drawHeatmap } from '../shared/heatmap';
import { drawCurves, pointsDrawn, type EpochPoint } from '../shared/lineChart';
import { clampRange, COUNT_CHOICES, DEFAULT_COUNT, finiteExtent, heatmapPlan, pageRange, rangeLabel, type RowRange } from '../shared/sampling';
import { send } from '../shared/vscodeApi';
import { chartBox, chartId } from './charts';

export { disposeCharts } from './charts';

export interface Rendered {
  el: HTMLElement;
  summary: string;
  /** A second report (view `maskFlow`): dropped masks with their source positions, the sample range. */
  maskFlow?: string;
}

function grid(headers: string[], rows: string[][], id: string, label: string): HTMLElement {
  const table = h('vscode-data-grid', { id, 'aria-label': label, 'grid-template-columns': headers.map(() => '1fr').join(' ') });
  table.append(h('vscode-data-grid-row', { 'row-type': 'header' }, ...headers.map((t, i) => h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, t))));
  for (const row of rows) table.append(h('vscode-data-grid-row', {}, ...row.map((t, i) => h('vscode-data-grid-cell', { 'grid-column': i + 1 }, t))));
  return table;
}

function dataLine(result: { data: EvaluateResult['data']; backend: string; backendInfo: EvaluateResult['backendInfo']; weightsUsed: EvaluateResult['weightsUsed'] }): HTMLElement {
  const library = result.backendInfo.tensorflowVersion ? ` (TensorFlow ${result.backendInfo.tensorflowVersion})` : '';
  return h(
    'p',
    { class: 'ml-data', title: result.backendInfo.libraryPath ?? result.backendInfo.fallbackReason ?? '' },
    h('span', { class: 'ml-tag' }, result.data.synthetic ? 'synthetic data' : `${result.data.source} data`),
    ` ${result.data.description} · ${result.data.samples} sample(s) · backend `,
    h('strong', {}, result.backend),
    library,
    h('br', {}),
    h('span', { class: 'ml-tag', id: 'weights-used' }, result.weightsUsed.source === 'file' ? 'saved weights' : result.weightsUsed.source === 'inline' ? 'given weights' : 'initial weights'),
    ` ${result.weightsUsed.description}`,
  );
}

function exportButtons(name: string): HTMLElement {
  const button = (format: 'json' | 'csv') => {
    const b = h('vscode-button', { appearance: 'secondary', id: `export-${format}`, title: `Save the whole result as ${format.toUpperCase()}` }, `Export ${format.toUpperCase()}`);
    b.addEventListener('click', () => send({ type: 'export', format, name: chartId(name) }));
    return b;
  };
  return h('div', { class: 'ml-export', role: 'group', 'aria-label': 'Export the result' }, button('json'), button('csv'));
}

function reductionsTable(values: Record<string, number>, id = 'reductions'): HTMLElement {
  return grid(
    ['Reduction', 'Loss', 'Formula', 'Computed by'],
    REDUCTION_IDS.map((r) => [REDUCTIONS[r].label, formatNumber(values[r]), REDUCTIONS[r].formula, REDUCTIONS[r].kerasVersions]),
    id,
    'Loss under each reduction',
  );
}

/** Where a layer is written, from the host's analysis (absent for results of other files). */
function sourceOf(sources: ResultSources | undefined, layer: string) {
  return sources?.layers.find((l) => l.name === layer);
}

/** A keyboard-usable link to a source line: posts `reveal`, the host selects the layer there. */
function lineLink(sources: ResultSources | undefined, layer: string, prominent: boolean): HTMLElement | null {
  const at = sourceOf(sources, layer);
  if (!at) return null;
  const label = `line ${at.start.line + 1}`;
  const go = () => send({ type: 'reveal', line: at.start.line, character: at.start.character });
  if (prominent) {
    const b = h('vscode-button', { appearance: 'primary', class: 'ml-reveal', 'data-layer': layer, 'data-line': at.start.line, title: `Show ${layer} in ${sources?.file ?? 'the editor'}` }, `Go to ${label}`);
    b.addEventListener('click', go);
    return b;
  }
  const a = h('vscode-link', { href: '#', class: 'ml-line-link', 'data-layer': layer, 'data-line': at.start.line, title: `Show ${layer} in ${sources?.file ?? 'the editor'}` }, label);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    go();
  });
  return a;
}

function legend(kind: 'mask' | 'loss'): HTMLElement {
  return h(
    'p',
    { class: 'ml-legend' },
    h('span', { class: `ml-swatch ${kind === 'mask' ? 'ml-swatch-valid' : 'ml-swatch-loss'}`, 'aria-hidden': 'true' }),
    kind === 'mask' ? ' valid (1)   ' : ' loss, low → high   ',
    h('span', { class: 'ml-swatch ml-swatch-masked', 'aria-hidden': 'true' }),
    kind === 'mask' ? ' hatched: masked (0)' : ' hatched: masked timestep (padding; masked reductions leave it out)',
  );
}

interface HeatmapSlot {
  holder: HTMLElement;
  id: string;
  label: string;
  values: (number | null)[][];
  mask: number[][] | null;
  kind: 'mask' | 'loss';
  extent?: { min: number; max: number };
}

/** The sample range control shared by all heatmaps of a result, and the heatmaps it drives. */
class SampleRange {
  readonly el: HTMLElement;
  private range: RowRange;
  private readonly slots: HeatmapSlot[] = [];
  private readonly label: HTMLElement;
  private readonly startField: HTMLElement & { value?: string };
  private readonly countField: HTMLElement & { value?: string };

  constructor(
    private readonly sampleIndex: number[],
    private readonly totalSamples: number,
    private readonly timesteps: number,
  ) {
    const rows = sampleIndex.length;
    this.range = clampRange(0, DEFAULT_COUNT, rows);
    this.startField = h('vscode-text-field', { id: 'range-start', value: String(sampleIndex[0] ?? 0), size: 6, inputmode: 'numeric', 'aria-label': 'First sample shown' }, 'From sample');
    this.countField = h(
      'vscode-dropdown',
      { id: 'range-count', 'aria-label': 'Samples shown' },
      ...COUNT_CHOICES.map((n) => h('vscode-option', { value: String(n), selected: n === this.range.end - this.range.start || (n === COUNT_CHOICES[0] && rows < n) }, String(n))),
    );
    const prev = h('vscode-button', { appearance: 'secondary', id: 'range-prev', 'aria-label': 'Previous samples' }, '◀ Previous');
    const next = h('vscode-button', { appearance: 'secondary', id: 'range-next', 'aria-label': 'Next samples' }, 'Next ▶');
    this.label = h('span', { id: 'range-label', class: 'ml-range-label', 'aria-live': 'polite' });
    this.startField.addEventListener('change', () => this.fromFields());
    this.startField.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') this.fromFields();
    });
    this.countField.addEventListener('change', () => this.fromFields());
    prev.addEventListener('click', () => this.set(pageRange(this.range, -1, this.sampleIndex.length)));
    next.addEventListener('click', () => this.set(pageRange(this.range, 1, this.sampleIndex.length)));
    // with no more rows than the smallest count every sample is shown: only say so
    const choose = rows > COUNT_CHOICES[0];
    this.el = h(
      'div',
      { class: 'ml-range', role: 'group', 'aria-label': 'Samples shown in the heatmaps' },
      choose ? this.startField : null,
      choose ? h('label', { class: 'ml-range-count' }, 'Count ', this.countField) : null,
      choose ? prev : null,
      choose ? next : null,
      this.label,
    );
    this.updateLabel();
  }

  get summary(): string {
    return `range=${this.range.start}-${this.range.end}/${this.sampleIndex.length}`;
  }

  /** A heatmap that follows this range. */
  heatmap(slot: Omit<HeatmapSlot, 'holder'>): HTMLElement {
    const holder = h('div', { class: 'ml-heatmap-slot' });
    const full: HeatmapSlot = { ...slot, holder };
    this.slots.push(full);
    this.draw(full);
    return holder;
  }

  private draw(slot: HeatmapSlot): void {
    clear(slot.holder);
    const plan = heatmapPlan(this.range, slot.values[0]?.length ?? 0);
    const height = Math.max(90, Math.min(360, plan.rows.length * 12 + 60));
    slot.holder.append(chartBox(slot.id, slot.label, height, (canvas) => drawHeatmap(canvas, { values: slot.values, mask: slot.mask, kind: slot.kind, plan, sampleIndex: this.sampleIndex, extent: slot.extent, label: slot.label })));
  }

  private fromFields(): void {
    const typed = Number((this.startField.value ?? '').trim());
    // the field holds the data's sample number: start at the first kept sample at or after it
    const row = Number.isFinite(typed) ? Math.max(0, this.sampleIndex.findIndex((s) => s >= typed)) : 0;
    const startRow = Number.isFinite(typed) && this.sampleIndex.every((s) => s < typed) ? this.sampleIndex.length - 1 : row;
    this.set(clampRange(startRow, Number(this.countField.value ?? DEFAULT_COUNT), this.sampleIndex.length));
  }

  private set(range: RowRange): void {
    this.range = range;
    this.startField.value = String(this.sampleIndex[range.start] ?? range.start);
    for (const slot of this.slots) this.draw(slot);
    this.updateLabel();
    send({ type: 'rendered', view: 'range', summary: `${this.summary} ${this.label.textContent ?? ''}` });
  }

  private updateLabel(): void {
    const plan = heatmapPlan(this.range, this.timesteps);
    this.label.textContent = rangeLabel(this.range, this.sampleIndex, this.totalSamples, plan, this.timesteps);
  }
}

function droppedBanner(layer: LayerResult, sources: ResultSources | undefined): HTMLElement {
  const at = sourceOf(sources, layer.name);
  return h(
    'div',
    { class: 'ml-dropped-banner', role: 'alert', id: 'mask-dropped' },
    h('span', { class: 'ml-dropped-icon', 'aria-hidden': 'true' }, '✕'),
    h('strong', {}, ' Mask dropped: '),
    `${layer.name} (${layer.className})${at ? `, ${sources?.file ?? ''} line ${at.start.line + 1}` : ''}, receives a mask and passes none on. Every layer after it, and the loss, treat padded timesteps as real data. `,
    lineLink(sources, layer.name, true),
  );
}

export function renderEvaluate(payload: unknown, sources?: ResultSources): Rendered {
  const r: EvaluateResult = evaluateResultSchema.parse(payload);
  const el = h('div', { class: 'ml-evaluate' });
  el.append(h('div', { class: 'ml-result-head' }, h('h2', {}, `${r.model} — evaluated with masking (${r.family}, Keras ${r.kerasVersion})`), exportButtons(`${r.model}-evaluate`)), dataLine(r));
  for (const w of r.warnings) el.append(h('div', { class: 'ml-warning', role: 'note' }, `⚠ ${w}`));
  const dropped = r.layers.filter((l) => l.effect === 'destroys');
  for (const layer of dropped) el.append(droppedBanner(layer, sources));

  const timesteps = Math.max(0, ...r.layers.map((l) => l.mask?.[0]?.length ?? 0), r.loss?.perTimestep[0]?.length ?? 0);
  const range = new SampleRange(r.caps.samples.indices, r.caps.samples.total, timesteps);
  el.append(h('h3', {}, 'Mask flow'), range.el, legend('mask'));
  const flow = h('div', { class: 'ml-flow', id: 'mask-flow' });
  for (const layer of r.layers) {
    const isDropped = layer.effect === 'destroys';
    const head = h(
      'div',
      { class: 'ml-strip-head' },
      isDropped ? h('span', { class: 'ml-dropped-label' }, '✕ MASK DROPPED HERE') : null,
      h('strong', {}, layer.name),
      ` ${layer.className} `,
      h('span', { class: 'ml-tag ml-effect' }, isDropped ? 'mask dropped' : layer.effect),
      ` → ${formatShape(layer.outputShape)} `,
      lineLink(sources, layer.name, isDropped),
    );
    const strip = h('div', { class: `ml-strip ml-effect-${layer.effect}${isDropped ? ' ml-dropped' : ''}`, 'data-layer': layer.name, 'data-effect': layer.effect, role: 'group', 'aria-label': `${layer.name}: ${isDropped ? 'mask dropped' : layer.effect}` }, head);
    if (layer.warning) strip.append(h('div', { class: 'ml-warning' }, layer.warning));
    if (layer.mask) strip.append(range.heatmap({ id: chartId(`mask-${layer.name}`), label: `${layer.name} mask`, values: layer.mask, mask: null, kind: 'mask' }));
    else strip.append(h('div', { class: isDropped ? 'ml-nomask ml-nomask-dropped' : 'ml-nomask' }, layer.maskIn ? (isDropped ? 'The mask stops here: no mask leaves this layer.' : 'mask consumed here: no mask leaves this layer') : 'no mask'));
    flow.append(strip);
  }
  el.append(flow);

  if (r.loss && r.lossValues) {
    el.append(h('h3', {}, `Per-timestep loss (${r.loss.name})`), legend('loss'));
    el.append(range.heatmap({ id: 'loss-heatmap', label: `per-timestep loss (${r.loss.name})`, values: r.loss.perTimestep, mask: r.outputMask, kind: 'loss', extent: finiteExtent(r.loss.perTimestep) }));
    // A classifier's output has no time axis: no mask at its loss is as it should be.
    if (!r.outputMask && r.outputShape.length >= 3) el.append(h('p', { class: 'ml-warning' }, 'No mask reaches the loss: every timestep, padding included, counts.'));
    el.append(h('h3', {}, 'Reductions'), reductionsTable(r.lossValues));
    if (r.paddingShareOfUnmaskedLoss !== null) el.append(h('p', { id: 'padding-share' }, `Padded timesteps make up ${formatNumber(r.paddingShareOfUnmaskedLoss * 100)}% of the unmasked loss.`));
    el.append(h('p', {}, `Keras (${r.family}) reports ${formatNumber(r.loss.keras.value)} (${r.loss.keras.reduction}).`));
  } else {
    el.append(h('p', {}, 'No labels: masks and outputs are shown, losses are not.'));
  }
  const droppedSummary = dropped.map((l) => {
    const at = sourceOf(sources, l.name);
    return `dropped=${l.name}${at ? `@${at.start.line}:${at.start.character}` : ''} `;
  });
  const summary = r.lossValues ? `valid-mean=${r.lossValues['valid-mean']} none=${r.lossValues.none} layers=${r.layers.length}` : `layers=${r.layers.length} no-loss`;
  return { el, summary, maskFlow: `${droppedSummary.join('')}${range.summary}` };
}

export function renderCompare(payload: unknown, sources?: ResultSources): Rendered {
  const r: CompareResult = compareResultSchema.parse(payload);
  const el = h('div', { class: 'ml-compare' });
  el.append(h('div', { class: 'ml-result-head' }, h('h2', {}, `${r.model} — masked vs unmasked ${r.loss}`), exportButtons(`${r.model}-compare`)), dataLine(r));
  if (r.maskReachesLoss) el.append(h('p', { class: 'ml-ok' }, '✓ The mask reaches the loss.'));
  else {
    el.append(
      h(
        'div',
        { class: 'ml-dropped-banner', role: 'alert', id: 'mask-dropped' },
        h('span', { class: 'ml-dropped-icon', 'aria-hidden': 'true' }, '✕'),
        h('strong', {}, ' The mask does not reach the loss'),
        r.maskDroppedBy ? `: dropped by ${r.maskDroppedBy}. ` : '. ',
        r.maskDroppedBy ? lineLink(sources, r.maskDroppedBy, true) : null,
      ),
    );
  }
  el.append(reductionsTable(Object.fromEntries(r.reductions.map((x) => [x.id, x.value])), 'compare-reductions'));
  if (r.paddingShareOfUnmaskedLoss !== null) el.append(h('p', { id: 'padding-share' }, `Padded timesteps make up ${formatNumber(r.paddingShareOfUnmaskedLoss * 100)}% of the unmasked loss.`));
  return { el, summary: r.reductions.map((x) => `${x.id}=${x.value}`).join(' ') };
}

export function epochPoints(history: TrainResult['history']): EpochPoint[] {
  return history.map((e) => ({ epoch: e.epoch + 1, trainMasked: e.train.masked, trainUnmasked: e.train.unmasked, valMasked: e.val?.masked ?? null, valUnmasked: e.val?.unmasked ?? null }));
}

export function renderTrain(payload: unknown, _sources?: ResultSources): Rendered {
  const r: TrainResult = trainResultSchema.parse(payload);
  const el = h('div', { class: 'ml-train' });
  el.append(h('div', { class: 'ml-result-head' }, h('h2', {}, `${r.model} — trained ${r.history.length} epoch(s) minimising ${r.reduction}`), exportButtons(`${r.model}-train`)), dataLine(r));
  if (r.stopped.reason !== 'completed') el.append(h('div', { class: 'ml-warning', role: 'alert' }, `Stopped: ${r.stopped.message}`));
  const points = epochPoints(r.history);
  const withVal = r.history.some((e) => e.val !== null);
  el.append(
    chartBox(
      'loss-curves',
      `${r.loss}: masked (${r.reduction}) and unmasked loss per epoch`,
      260,
      (canvas) => {
        const chart = drawCurves(canvas, points, r.epochs, withVal);
        send({ type: 'rendered', view: 'trainCurve', summary: `points=${pointsDrawn(chart)} curves=${chart.data.datasets.length} epochs=${r.epochs}` });
        return chart;
      },
      true,
    ),
  );
  el.append(
    grid(
      ['Epoch', 'Train masked', 'Train unmasked', 'Val masked', 'Val unmasked', 'Seconds'],
      r.history.map((e) => [String(e.epoch + 1), formatNumber(e.train.masked), formatNumber(e.train.unmasked), formatNumber(e.val?.masked), formatNumber(e.val?.unmasked), e.seconds.toFixed(2)]),
      'history',
      'Loss per epoch',
    ),
  );
  return { el, summary: `epochs=${r.history.length} stopped=${r.stopped.reason}` };
}

/**
 * Renders evaluate / compare / train results: where the mask goes layer by layer (a dropped
 * mask is flagged and links to its source line), the masks and per-timestep losses as
 * heatmaps over a chosen sample range, every reduction with the Keras versions that compute
 * it, and export buttons. Payloads are validated against the runtime's own schemas first.
 */
import { formatNumber, formatShape } from '../../src/core/format';
import type { ResultSources } from '../../src/core/protocol/viewMessages';
import { REDUCTIONS, REDUCTION_IDS } from '../../src/core/reductions';
import {
  compareResultSchema,
  evaluateResultSchema,
  trainResultSchema,
  type CompareResult,
  type EvaluateResult,
  type LayerResult,
  type TrainResult,
} from '../../src/core/protocol/runtimeTasks';
import { dataLabel } from '../../src/core/runs/history';
import { epochMetricColumns } from '../../src/core/runs/epochMetrics';
import { clear, h } from '../shared/dom';
import { drawHeatmap } from '../shared/heatmap';
import { drawCurves, pointsDrawn, type EpochPoint } from '../shared/lineChart';
import {
  clampRange,
  COUNT_CHOICES,
  DEFAULT_COUNT,
  finiteExtent,
  heatmapPlan,
  pageRange,
  rangeLabel,
  type HeatmapPlan,
  type RowRange,
} from '../shared/sampling';
import { send } from '../shared/vscodeApi';
import { chartBox, chartId } from './charts';
import { metricsTable } from './metrics';

export { disposeCharts } from './charts';

export interface Rendered {
  el: HTMLElement;
  summary: string;
  /** A second report (view `maskFlow`): dropped masks with their source positions, the sample range. */
  maskFlow?: string;
  /** For the run's header: the data, the Keras version and the backend it ran with. */
  about: RunAbout;
}

export interface RunAbout {
  data: string;
  synthetic: boolean;
  keras: string;
  backend: string;
  /** Which weights ran, as the runtime says it ("weights from model.keras (a .keras archive)"). */
  weights: string;
  /** Trained weights are tagged as such, as synthetic data is: they change what every number means. */
  weightsTag: 'saved weights' | 'given weights' | null;
}

function about(
  r: {
    data: EvaluateResult['data'];
    backend: string;
    backendInfo: EvaluateResult['backendInfo'];
    weightsUsed: EvaluateResult['weightsUsed'];
  },
  keras: string,
): RunAbout {
  const library = r.backendInfo.tensorflowVersion ? ` (TensorFlow ${r.backendInfo.tensorflowVersion})` : '';
  return {
    data: dataLabel(r.data),
    synthetic: r.data.synthetic,
    keras,
    backend: `${r.backend}${library}`,
    weights: r.weightsUsed.description,
    weightsTag:
      r.weightsUsed.source === 'file' ? 'saved weights' : r.weightsUsed.source === 'inline' ? 'given weights' : null,
  };
}

/** A plain table: it wraps and fits a narrow panel, with real header cells for screen readers. */
function table(headers: string[], rows: (string | HTMLElement)[][], id: string, label: string): HTMLElement {
  return h(
    'table',
    { class: 'ml-table', id, 'aria-label': label },
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h('tr', {}, ...row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))),
      ),
    ),
  );
}

type Verdict = 'ok' | 'bad' | 'info';

/** The card a result starts with: the losses that matter, the verdict in words, and what to do. */
function summaryCard(
  verdict: Verdict,
  title: string,
  what: string,
  numbers: [string, string][],
  action: HTMLElement | null,
): HTMLElement {
  const icon = verdict === 'ok' ? '✓' : verdict === 'bad' ? '✕' : 'ℹ';
  return h(
    'section',
    { class: `ml-summary ml-summary-${verdict}`, id: 'summary-card', 'aria-label': 'Summary' },
    h(
      'p',
      { class: 'ml-summary-verdict', id: 'summary-verdict' },
      h('span', { 'aria-hidden': 'true' }, `${icon} `),
      title,
    ),
    h('dl', { class: 'ml-summary-numbers' }, ...numbers.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', { class: 'ml-summary-what' }, what, action ? ' ' : '', action),
  );
}

/** Where a model without a time axis at its output lost it, and what that did with the padded steps. */
export function poolingNote(layers: LayerResult[]): string | null {
  const at = layers.findIndex(
    (l, i) => i > 0 && l.outputShape.length === 2 && layers.slice(0, i).some((p) => p.outputShape.length >= 3),
  );
  if (at < 0) return null;
  const l = layers[at];
  if (!l.maskIn)
    return `${l.name} (${l.className}) removes the time axis without a mask: padded steps are counted as real data in what it passes on.`;
  if (/LSTM|GRU|RNN/.test(l.className))
    return `${l.name} (${l.className}) reads the mask: it skips padded steps, so its output is the state after each sample's last valid step.`;
  if (/Pooling/.test(l.className))
    return `${l.name} (${l.className}) reads the mask: it pools over valid steps only, padded steps are left out.`;
  return `${l.name} (${l.className}) removes the time axis and receives a mask (${l.effect}): check how it treats padded steps.`;
}

function grid(headers: string[], rows: string[][], id: string, label: string): HTMLElement {
  const table = h('vscode-data-grid', {
    id,
    'aria-label': label,
    'grid-template-columns': headers.map(() => '1fr').join(' '),
  });
  table.append(
    h(
      'vscode-data-grid-row',
      { 'row-type': 'header' },
      ...headers.map((t, i) => h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, t)),
    ),
  );
  for (const row of rows)
    table.append(
      h('vscode-data-grid-row', {}, ...row.map((t, i) => h('vscode-data-grid-cell', { 'grid-column': i + 1 }, t))),
    );
  return table;
}

function exportButtons(name: string): HTMLElement {
  const button = (format: 'json' | 'csv') => {
    const b = h(
      'vscode-button',
      { appearance: 'secondary', id: `export-${format}`, title: `Save the whole result as ${format.toUpperCase()}` },
      `Export ${format.toUpperCase()}`,
    );
    b.addEventListener('click', () => send({ type: 'export', format, name: chartId(name) }));
    return b;
  };
  return h(
    'div',
    { class: 'ml-export', role: 'group', 'aria-label': 'Export the result' },
    button('json'),
    button('csv'),
  );
}

function reductionsTable(values: Record<string, number>, id = 'reductions'): HTMLElement {
  return table(
    ['Reduction', 'Loss', 'Computed by'],
    REDUCTION_IDS.map((r) => [
      h('span', {}, REDUCTIONS[r].label, h('code', { class: 'ml-formula' }, REDUCTIONS[r].formula)),
      formatNumber(values[r]),
      REDUCTIONS[r].kerasVersions,
    ]),
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
    const b = h(
      'vscode-button',
      {
        appearance: 'primary',
        class: 'ml-reveal',
        'data-layer': layer,
        'data-line': at.start.line,
        title: `Show ${layer} in ${sources?.file ?? 'the editor'}`,
      },
      `Go to ${label}`,
    );
    b.addEventListener('click', go);
    return b;
  }
  const a = h(
    'vscode-link',
    {
      href: '#',
      class: 'ml-line-link',
      'data-layer': layer,
      'data-line': at.start.line,
      title: `Show ${layer} in ${sources?.file ?? 'the editor'}`,
    },
    label,
  );
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

/** The heatmap in words: what it shows, over which samples and timesteps, and how many cells are masked. */
export function heatmapDescription(
  slot: Pick<HeatmapSlot, 'label' | 'values' | 'mask' | 'kind'>,
  plan: HeatmapPlan,
  sampleIndex: readonly number[],
): string {
  let masked = 0;
  let cells = 0;
  for (const row of plan.rows) {
    for (const col of plan.cols) {
      cells++;
      const isMasked = slot.kind === 'mask' ? slot.values[row]?.[col] === 0 : slot.mask?.[row]?.[col] === 0;
      if (isMasked) masked++;
    }
  }
  const first = sampleIndex[plan.rows[0]] ?? 0;
  const last = sampleIndex[plan.rows[plan.rows.length - 1]] ?? 0;
  const steps =
    plan.colStride === 1
      ? `${plan.cols.length} timesteps`
      : `every ${plan.colStride}th of the timesteps (${plan.cols.length} shown)`;
  return `${slot.label}: samples ${first}–${last} × ${steps}; ${masked} of ${cells} cells masked. The values are in the table below it.`;
}

/**
 * The heatmap's values as a table, for screen readers and keyboards: a disclosure under the
 * chart, built when opened (a heatmap may hold thousands of cells), scrollable with the arrow keys.
 */
function heatmapValues(slot: HeatmapSlot, plan: HeatmapPlan, sampleIndex: readonly number[]): HTMLElement {
  const details = h(
    'details',
    { class: 'ml-heatmap-values', 'data-chart': slot.id },
    h('summary', {}, `${slot.label}: values as a table`),
  );
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('table')) return;
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Sample'),
      ...plan.cols.map((c) => h('th', { scope: 'col' }, `t${c}`)),
    );
    const rows = plan.rows.map((r) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, String(sampleIndex[r] ?? r)),
        ...plan.cols.map((c) => {
          const v = slot.values[r]?.[c] ?? null;
          const masked = slot.kind === 'mask' ? v === 0 : slot.mask?.[r]?.[c] === 0;
          return h(
            'td',
            {},
            slot.kind === 'mask' ? (masked ? '0 masked' : '1') : `${formatNumber(v)}${masked ? ' masked' : ''}`,
          );
        }),
      ),
    );
    const scroller = h(
      'div',
      { class: 'ml-values-scroll', tabindex: 0, role: 'region', 'aria-label': `${slot.label} values` },
      h('table', { class: 'ml-table ml-values' }, h('thead', {}, head), h('tbody', {}, ...rows)),
    );
    details.append(scroller);
    send({
      type: 'rendered',
      view: 'heatmapValues',
      summary: `${slot.id} rows=${plan.rows.length} cols=${plan.cols.length}`,
    });
  });
  return details;
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
    this.startField = h(
      'vscode-text-field',
      {
        id: 'range-start',
        value: String(sampleIndex[0] ?? 0),
        size: 6,
        inputmode: 'numeric',
        'aria-label': 'First sample shown',
      },
      'From sample',
    );
    this.countField = h(
      'vscode-dropdown',
      { id: 'range-count', 'aria-label': 'Samples shown' },
      ...COUNT_CHOICES.map((n) =>
        h(
          'vscode-option',
          {
            value: String(n),
            selected: n === this.range.end - this.range.start || (n === COUNT_CHOICES[0] && rows < n),
          },
          String(n),
        ),
      ),
    );
    const prev = h(
      'vscode-button',
      { appearance: 'secondary', id: 'range-prev', 'aria-label': 'Previous samples' },
      '◀ Previous',
    );
    const next = h(
      'vscode-button',
      { appearance: 'secondary', id: 'range-next', 'aria-label': 'Next samples' },
      'Next ▶',
    );
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
    const box = chartBox(slot.id, slot.label, height, (canvas) =>
      drawHeatmap(canvas, {
        values: slot.values,
        mask: slot.mask,
        kind: slot.kind,
        plan,
        sampleIndex: this.sampleIndex,
        extent: slot.extent,
        label: slot.label,
      }),
    );
    box.querySelector('canvas')?.setAttribute('aria-label', heatmapDescription(slot, plan, this.sampleIndex));
    slot.holder.append(box, heatmapValues(slot, plan, this.sampleIndex));
  }

  private fromFields(): void {
    const typed = Number((this.startField.value ?? '').trim());
    // the field holds the data's sample number: start at the first kept sample at or after it
    const row = Number.isFinite(typed)
      ? Math.max(
          0,
          this.sampleIndex.findIndex((s) => s >= typed),
        )
      : 0;
    const startRow =
      Number.isFinite(typed) && this.sampleIndex.every((s) => s < typed) ? this.sampleIndex.length - 1 : row;
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

function pct(share: number | null): string {
  return share === null ? 'n/a' : `${formatNumber(share * 100)}%`;
}

function evaluateCard(
  r: EvaluateResult,
  dropped: LayerResult[],
  sources: ResultSources | undefined,
  perStep: boolean,
): HTMLElement {
  const numbers: [string, string][] = r.lossValues
    ? [
        ['Masked loss (valid-mean)', formatNumber(r.lossValues['valid-mean'])],
        ['Unmasked loss', formatNumber(r.lossValues.none)],
        ['Padding share of the unmasked loss', pct(r.paddingShareOfUnmaskedLoss)],
      ]
    : [];
  if (!perStep) {
    const note = poolingNote(r.layers);
    return summaryCard(
      'info',
      'One output per sequence: the loss has no time axis, so no mask is needed at the loss.',
      note ?? 'What matters is how the layer that removes the time axis treats padded steps.',
      numbers,
      null,
    );
  }
  if (dropped.length > 0) {
    const first = dropped[0];
    return summaryCard(
      'bad',
      `The mask does not reach the loss: ${first.name} (${first.className}) drops it.`,
      'Padded steps count in the loss. Fix the layer (the editor offers a quick fix where MaskLens knows one), then evaluate again and compare the two runs below.',
      numbers,
      lineLink(sources, first.name, true),
    );
  }
  if (!r.outputMask)
    return summaryCard(
      'bad',
      'No mask reaches the loss: every timestep, padding included, counts.',
      'Add a mask where the padding enters the model (Embedding(mask_zero=True) or Masking).',
      numbers,
      null,
    );
  return summaryCard(
    'ok',
    'The mask reaches the loss: padded steps are left out of the masked loss.',
    'Nothing to fix for masking.',
    numbers,
    null,
  );
}

function perSampleTable(r: EvaluateResult): HTMLElement {
  const rows = (r.loss?.perTimestep ?? []).map((row, i) => [
    String(r.caps.samples.indices[i] ?? i),
    formatNumber(row.length === 1 ? row[0] : row.reduce((a, b) => a + b, 0) / Math.max(1, row.length)),
  ]);
  return table(['Sample', 'Loss'], rows, 'per-sample-loss', 'Loss per sample');
}

export function renderEvaluate(payload: unknown, sources?: ResultSources): Rendered {
  const r: EvaluateResult = evaluateResultSchema.parse(payload);
  const el = h('div', { class: 'ml-evaluate' });
  el.append(
    h(
      'div',
      { class: 'ml-result-head' },
      h('h2', {}, `${r.model} — evaluated with masking (${r.family}, Keras ${r.kerasVersion})`),
      exportButtons(`${r.model}-evaluate`),
    ),
  );
  const dropped = r.layers.filter((l) => l.effect === 'destroys');

  // A classifier's output has no time axis: its loss is one number per sample.
  const perStep = r.outputShape.length >= 3;
  el.append(evaluateCard(r, dropped, sources, perStep));
  for (const w of r.warnings) el.append(h('div', { class: 'ml-warning', role: 'note' }, `⚠ ${w}`));
  if (r.loss && r.lossValues) {
    el.append(h('h3', {}, 'Reductions'), reductionsTable(r.lossValues));
    el.append(
      h('p', {}, `Keras (${r.family}) reports ${formatNumber(r.loss.keras.value)} (${r.loss.keras.reduction}).`),
    );
  } else {
    el.append(h('p', {}, 'No labels: masks and outputs are shown, losses are not.'));
  }
  const pooled = perStep ? null : poolingNote(r.layers);
  if (pooled) el.append(h('h3', {}, 'What happened to the padded steps'), h('p', { id: 'pooling-note' }, pooled));

  const timesteps = Math.max(
    0,
    ...r.layers.map((l) => l.mask?.[0]?.length ?? 0),
    perStep ? (r.loss?.perTimestep[0]?.length ?? 0) : 0,
  );
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
    const strip = h(
      'div',
      {
        class: `ml-strip ml-effect-${layer.effect}${isDropped ? ' ml-dropped' : ''}`,
        'data-layer': layer.name,
        'data-effect': layer.effect,
        role: 'group',
        'aria-label': `${layer.name}: ${isDropped ? 'mask dropped' : layer.effect}`,
      },
      head,
    );
    if (layer.warning) strip.append(h('div', { class: 'ml-warning' }, layer.warning));
    if (layer.mask)
      strip.append(
        range.heatmap({
          id: chartId(`mask-${layer.name}`),
          label: `${layer.name} mask`,
          values: layer.mask,
          mask: null,
          kind: 'mask',
        }),
      );
    else
      strip.append(
        h(
          'div',
          { class: isDropped ? 'ml-nomask ml-nomask-dropped' : 'ml-nomask' },
          layer.maskIn
            ? isDropped
              ? 'The mask stops here: no mask leaves this layer.'
              : 'mask consumed here: no mask leaves this layer'
            : 'no mask',
        ),
      );
    flow.append(strip);
  }
  el.append(flow);

  if (r.loss && r.lossValues && r.perTimestepLoss === null) {
    // The user's loss reduced inside: one number per batch, no per-timestep values to show.
    el.append(
      h('h3', {}, `Loss (${r.loss.name})`),
      h(
        'p',
        { id: 'scalar-loss' },
        `${r.loss.name} returns one number per batch: ${formatNumber(r.lossValues.none)}. Keras' mask cannot reach it; only the masking inside the function counts.`,
      ),
    );
    el.append(
      h('p', {}, `Keras (${r.family}) reports ${formatNumber(r.loss.keras.value)} (${r.loss.keras.reduction}).`),
    );
  } else if (r.loss && r.lossValues) {
    if (perStep) {
      el.append(h('h3', {}, `Per-timestep loss (${r.loss.name})`), legend('loss'));
      el.append(
        range.heatmap({
          id: 'loss-heatmap',
          label: `per-timestep loss (${r.loss.name})`,
          values: r.loss.perTimestep,
          mask: r.outputMask,
          kind: 'loss',
          extent: finiteExtent(r.loss.perTimestep),
        }),
      );
    } else {
      el.append(h('h3', {}, `Per-sample loss (${r.loss.name})`), perSampleTable(r));
    }
  }
  const metrics = metricsTable(r.metrics);
  if (metrics) el.append(metrics);
  const droppedSummary = dropped.map((l) => {
    const at = sourceOf(sources, l.name);
    return `dropped=${l.name}${at ? `@${at.start.line}:${at.start.character}` : ''} `;
  });
  const metricSummary = r.metrics.map((m) => ` metric=${m.name}:${m.keras}/${m.unmasked}`).join('');
  const summary = `${r.lossValues ? `valid-mean=${r.lossValues['valid-mean']} none=${r.lossValues.none} layers=${r.layers.length}` : `layers=${r.layers.length} no-loss`}${metricSummary}`;
  return {
    el,
    summary,
    maskFlow: `${droppedSummary.join('')}${range.summary}`,
    about: about(r, `${r.family} ${r.kerasVersion}`),
  };
}

export function renderCompare(payload: unknown, sources?: ResultSources): Rendered {
  const r: CompareResult = compareResultSchema.parse(payload);
  const el = h('div', { class: 'ml-compare' });
  el.append(
    h(
      'div',
      { class: 'ml-result-head' },
      h('h2', {}, `${r.model} — masked vs unmasked ${r.loss}`),
      exportButtons(`${r.model}-compare`),
    ),
  );
  const value = (id: string) => r.reductions.find((x) => x.id === id)?.value;
  const numbers: [string, string][] = [
    ['Masked loss (valid-mean)', formatNumber(value('valid-mean'))],
    ['Unmasked loss', formatNumber(value('none'))],
    ['Padding share of the unmasked loss', pct(r.paddingShareOfUnmaskedLoss)],
  ];
  if (r.maskReachesLoss)
    el.append(
      summaryCard('ok', 'The mask reaches the loss.', 'Padded steps are left out of the masked loss.', numbers, null),
    );
  else {
    el.append(
      summaryCard(
        'bad',
        `The mask does not reach the loss${r.maskDroppedBy ? `: dropped by ${r.maskDroppedBy}` : ''}.`,
        'Padded steps count in the loss. Fix the layer, then compare again.',
        numbers,
        r.maskDroppedBy ? lineLink(sources, r.maskDroppedBy, true) : null,
      ),
    );
  }
  el.append(reductionsTable(Object.fromEntries(r.reductions.map((x) => [x.id, x.value])), 'compare-reductions'));
  const metrics = metricsTable(r.metrics);
  if (metrics) el.append(metrics);
  return { el, summary: r.reductions.map((x) => `${x.id}=${x.value}`).join(' '), about: about(r, r.family) };
}

export function epochPoints(history: TrainResult['history']): EpochPoint[] {
  return history.map((e) => ({
    epoch: e.epoch + 1,
    trainMasked: e.train.masked,
    trainUnmasked: e.train.unmasked,
    valMasked: e.val?.masked ?? null,
    valUnmasked: e.val?.unmasked ?? null,
  }));
}

export function renderTrain(payload: unknown, _sources?: ResultSources): Rendered {
  const r: TrainResult = trainResultSchema.parse(payload);
  const el = h('div', { class: 'ml-train' });
  el.append(
    h(
      'div',
      { class: 'ml-result-head' },
      h('h2', {}, `${r.model} — trained ${r.history.length} epoch(s) minimising ${r.reduction}`),
      exportButtons(`${r.model}-train`),
    ),
  );
  if (r.stopped.reason !== 'completed')
    el.append(h('div', { class: 'ml-warning', role: 'alert' }, `Stopped: ${r.stopped.message}`));
  const points = epochPoints(r.history);
  const withVal = r.history.some((e) => e.val !== null);
  el.append(
    chartBox(
      'loss-curves',
      `${r.loss}: masked (${r.reduction}) and unmasked loss per epoch`,
      260,
      (canvas) => {
        const chart = drawCurves(canvas, points, r.epochs, withVal);
        send({
          type: 'rendered',
          view: 'trainCurve',
          summary: `points=${pointsDrawn(chart)} curves=${chart.data.datasets.length} epochs=${r.epochs}`,
        });
        return chart;
      },
      true,
    ),
  );
  const metrics = epochMetricColumns(r.history);
  el.append(
    grid(
      [
        'Epoch',
        'Train masked',
        'Train unmasked',
        'Val masked',
        'Val unmasked',
        'Seconds',
        ...metrics.map((m) => m.name),
      ],
      r.history.map((e) => [
        String(e.epoch + 1),
        formatNumber(e.train.masked),
        formatNumber(e.train.unmasked),
        formatNumber(e.val?.masked),
        formatNumber(e.val?.unmasked),
        e.seconds.toFixed(2),
        ...metrics.map((m) => formatNumber(m.value(e))),
      ]),
      'history',
      metrics.length > 0
        ? "Loss per epoch, and each compiled metric as Keras evaluate reports it on that epoch's weights"
        : 'Loss per epoch',
    ),
  );
  return { el, summary: `epochs=${r.history.length} stopped=${r.stopped.reason}`, about: about(r, r.family) };
}

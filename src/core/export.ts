/**
 * Export of a runtime result as JSON or CSV, and validation of a chart PNG that a webview
 * sends as a data URL. Pure: the extension host calls these on its own copy of the result
 * (never on what a webview sends back) and writes the file.
 *
 * JSON is the result exactly as the runtime returned it (`toJsonText`: NaN and ±Infinity as
 * the strings "NaN", "Infinity", "-Infinity").
 *
 * CSV is "tidy" (one value per row) so it loads into pandas / a spreadsheet without reshaping:
 *   evaluate: section,name,sample,timestep,value
 *     reduction,<id>,,,<loss>                  the four reductions
 *     keras_reported,<reduction>,,,<loss>      what Keras itself reports
 *     metric_unmasked|metric_masked|metric_keras,<metric>,,,<value>   compiled metrics
 *     padding_share_of_unmasked_loss,,,,<share>
 *     per_timestep_loss,<loss name>,<sample>,<timestep>,<loss>
 *     output_mask,,<sample>,<timestep>,<0|1>   the mask that reaches the loss
 *     layer_mask,<layer>,<sample>,<timestep>,<0|1>
 *   compare:  section,name,sample,timestep,value (reduction rows, then per_sample_* rows)
 *   train:    epoch,train_masked,train_unmasked,val_masked,val_unmasked,seconds, then one column per
 *             compiled metric and data set (accuracy, val_accuracy)
 * Sample numbers are the data's own indices (`caps.samples.indices`), not row positions.
 */
import { toJsonText, type CompareResult, type EvaluateResult, type TrainResult } from './protocol/runtimeTasks';
import { epochMetricColumns } from './runs/epochMetrics';

export type ExportableResult = EvaluateResult | CompareResult | TrainResult;
export type ExportFormat = 'json' | 'csv' | 'png';

export function resultToJson(result: ExportableResult): string {
  return `${toJsonText(result, 2)}\n`;
}

/** A number as CSV text: shortest round-trip form; NaN / Infinity spelled out; null empty. */
export function csvNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(v);
}

/**
 * A text field as CSV: quoted when it holds a comma, quote or line break; a leading = + - @
 * (which spreadsheets would run as a formula: layer names come from user code) gets a `'`.
 */
export function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csv(header: string[], rows: string[][]): string {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
}

function matrixRows(
  section: string,
  name: string,
  matrix: readonly (readonly (number | null)[])[],
  sampleIndex: readonly number[],
): string[][] {
  const rows: string[][] = [];
  matrix.forEach((row, r) =>
    row.forEach((v, t) => rows.push([section, csvText(name), String(sampleIndex[r] ?? r), String(t), csvNumber(v)])),
  );
  return rows;
}

export function resultToCsv(result: ExportableResult): string {
  switch (result.kind) {
    case 'evaluate':
      return evaluateCsv(result);
    case 'compare':
      return compareCsv(result);
    case 'train':
      return trainCsv(result);
  }
}

const TIDY = ['section', 'name', 'sample', 'timestep', 'value'];

function evaluateCsv(r: EvaluateResult): string {
  const rows: string[][] = [];
  const samples = r.caps.samples.indices;
  if (r.lossValues)
    for (const [id, v] of Object.entries(r.lossValues)) rows.push(['reduction', id, '', '', csvNumber(v)]);
  if (r.loss) rows.push(['keras_reported', csvText(r.loss.keras.reduction), '', '', csvNumber(r.loss.keras.value)]);
  if (r.paddingShareOfUnmaskedLoss !== null)
    rows.push(['padding_share_of_unmasked_loss', '', '', '', csvNumber(r.paddingShareOfUnmaskedLoss)]);
  rows.push(...metricRows(r.metrics));
  if (r.loss) rows.push(...matrixRows('per_timestep_loss', r.loss.name, r.loss.perTimestep, samples));
  if (r.outputMask) rows.push(...matrixRows('output_mask', '', r.outputMask, samples));
  for (const layer of r.layers) if (layer.mask) rows.push(...matrixRows('layer_mask', layer.name, layer.mask, samples));
  return csv(TIDY, rows);
}

/** Compiled metrics: `metric_unmasked` (every position), `metric_masked` (real positions; empty without a mask), `metric_keras`. */
function metricRows(metrics: EvaluateResult['metrics']): string[][] {
  return metrics.flatMap((m) => [
    ['metric_unmasked', csvText(m.name), '', '', csvNumber(m.unmasked)],
    ['metric_masked', csvText(m.name), '', '', csvNumber(m.masked)],
    ['metric_keras', csvText(m.name), '', '', csvNumber(m.keras)],
  ]);
}

function compareCsv(r: CompareResult): string {
  const rows: string[][] = r.reductions.map((x) => ['reduction', x.id, '', '', csvNumber(x.value)]);
  rows.push(...metricRows(r.metrics));
  if (r.relativeDifference !== null) rows.push(['relative_difference', '', '', '', csvNumber(r.relativeDifference)]);
  if (r.paddingShareOfUnmaskedLoss !== null)
    rows.push(['padding_share_of_unmasked_loss', '', '', '', csvNumber(r.paddingShareOfUnmaskedLoss)]);
  for (const s of r.perSample) {
    rows.push(['per_sample_valid_mean', '', String(s.sample), '', csvNumber(s.validMean)]);
    rows.push(['per_sample_unmasked_mean', '', String(s.sample), '', csvNumber(s.unmaskedMean)]);
    rows.push(['per_sample_valid_steps', '', String(s.sample), '', String(s.validSteps)]);
    rows.push(['per_sample_steps', '', String(s.sample), '', String(s.steps)]);
  }
  return csv(TIDY, rows);
}

function trainCsv(r: TrainResult): string {
  const metrics = epochMetricColumns(r.history);
  return csv(
    ['epoch', 'train_masked', 'train_unmasked', 'val_masked', 'val_unmasked', 'seconds', ...metrics.map((m) => m.name)],
    r.history.map((e) => [
      String(e.epoch + 1),
      csvNumber(e.train.masked),
      csvNumber(e.train.unmasked),
      csvNumber(e.val?.masked),
      csvNumber(e.val?.unmasked),
      csvNumber(e.seconds),
      ...metrics.map((m) => csvNumber(m.value(e))),
    ]),
  );
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Largest chart image accepted (decoded bytes). */
export const MAX_PNG_BYTES = 12 * 1024 * 1024;

/**
 * The bytes of a `data:image/png;base64,...` URL, or an Error saying why it is refused:
 * another media type, non-base64 text, too large, or bytes that are not a PNG.
 */
export function decodePngDataUrl(url: string): Uint8Array | Error {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]*={0,2})$/.exec(url);
  if (!m) return new Error('not a data:image/png;base64 URL');
  if ((m[1].length * 3) / 4 > MAX_PNG_BYTES) return new Error(`image larger than ${MAX_PNG_BYTES} bytes`);
  let binary: string;
  try {
    binary = atob(m[1]);
  } catch {
    return new Error('invalid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (bytes.length < PNG_MAGIC.length + 12 || PNG_MAGIC.some((b, i) => bytes[i] !== b))
    return new Error('the data is not a PNG image');
  return bytes;
}

/** A default file name: `<model>-<what>.<ext>`, with anything but [A-Za-z0-9_.-] replaced. */
export function exportFileName(model: string, what: string, format: ExportFormat): string {
  const clean = (s: string) =>
    s
      .replace(/[^\w.-]+/g, '_')
      .replace(/\.{2,}/g, '_')
      .replace(/_+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 100) || 'masklens';
  return `${clean(model)}-${clean(what)}.${format}`;
}

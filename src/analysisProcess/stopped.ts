/**
 * The analysis a document gets when its analysis did not finish: no models, one diagnostic at
 * the top of the file saying why ("MaskLens analysis stopped: took more than 5 s"). Made by the
 * process when it stops its analyzer thread, and by the host's client when the process itself
 * died; either way that version of the file is not analysed again, the next edit is.
 */
import type { KerasFamily } from '../core/ir';
import { FAMILIES } from '../core/masking/registry';
import type { AnalysisView, StopReason } from '../core/protocol/analysisProcess';

export const ANALYSIS_STOPPED_CODE = 'analysis-stopped';

/** "5 s", "1.5 s", "250 ms". */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}

export function stoppedView(
  uri: string,
  version: number,
  family: KerasFamily,
  reason: StopReason,
  why: string,
): AnalysisView {
  const message = `MaskLens analysis stopped: ${why}. MaskLens did not read this version of the file to the end; it tries again after the next edit.`;
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    uri,
    version,
    elapsedMs: 0,
    family,
    // no verdicts were reached, so no version to name: the family ("Keras 3")
    keras: FAMILIES[family].label,
    models: [],
    diagnostics: [{ code: ANALYSIS_STOPPED_CODE, severity: 'warning', message, range: top }],
    stopped: { reason, message },
  };
}

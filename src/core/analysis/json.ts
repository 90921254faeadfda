/**
 * The `masklens analyze --json` result, a stable shape scripts and CI read: per model its config,
 * layers with their masks, loss verdict and findings, plus a top-level `keras` naming the family
 * and version every verdict holds for. A mask MaskLens cannot know is `null` (where the shape
 * has a boolean), with the reason in `unknownBecause`.
 */
import type { Diagnostic, JsonValue, KerasFamily, KerasModelConfig, ModelKind, Range } from '../ir';
import type { MaskState, StaticMaskEffect } from '../masking/state';
import type { FileAnalysis } from './analyze';

export interface AnalysisJson {
  file: string;
  keras: { family: KerasFamily; version: string; label: string };
  models: {
    name: string;
    kind: ModelKind;
    range: Range;
    config: KerasModelConfig;
    layers: {
      name: string;
      className: string;
      range: Range;
      mask: { in: boolean | null; out: boolean | null; effect: StaticMaskEffect };
      unknownBecause?: string;
    }[];
    loss: string | null;
    /** null: unknown. */
    lossMasked: boolean | null;
    diagnostics: Diagnostic[];
  }[];
  diagnostics: Diagnostic[];
}

const jsonState = (s: MaskState): boolean | null => (s === 'unknown' ? null : s === 'yes');

export function toAnalysisJson(analysis: FileAnalysis): AnalysisJson {
  return {
    file: analysis.file,
    keras: { family: analysis.family, version: analysis.kerasVersion, label: analysis.keras },
    models: analysis.models.map((m) => ({
      name: m.ir.name,
      kind: m.ir.kind,
      range: m.ir.range,
      config: m.ir.config,
      layers: m.layers.map((l) => ({
        name: l.name,
        className: l.className,
        range: l.range,
        mask: { in: jsonState(l.mask.in), out: jsonState(l.mask.out), effect: l.mask.effect },
        ...(l.unknownBecause ? { unknownBecause: l.unknownBecause } : {}),
      })),
      loss: m.loss,
      lossMasked: jsonState(m.lossMasked),
      diagnostics: m.diagnostics,
    })),
    diagnostics: analysis.diagnostics,
  };
}

/** JSON text; non-finite numbers (a NaN mask_value) become the strings "NaN" / "Infinity", as the runtime writes them. */
export function analysisJsonText(json: AnalysisJson, indent = 2): string {
  return JSON.stringify(
    json,
    (_key, value: JsonValue) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    indent,
  );
}

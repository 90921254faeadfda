/**
 * What leaves the analyzer thread of one file's analysis: the compact view the extension host
 * shows (models, layers with their masks, losses, diagnostics) and, per model, what a task
 * needs to run it, which the process keeps until the host asks.
 */
import type { FileAnalysis } from '../core/analysis/analyze';
import type { Diagnostic, ModelIR } from '../core/ir';
import { codeDataFiles, sourceData, sourceValidation } from '../core/data/sourceData';
import type { AnalysisJob, AnalysisView, TaskInput } from '../core/protocol/analysisProcess';
import { runtimeModelOf } from '../core/protocol/runtimeTasks';
import { jsonLength, MAX_VIEW_CHARS, modelsThatFit } from './viewSize';

export function analysisView(job: AnalysisJob, analysis: FileAnalysis, elapsedMs: number): AnalysisView {
  return {
    uri: job.uri,
    version: job.version,
    elapsedMs,
    family: analysis.family,
    keras: analysis.keras,
    models: analysis.models.map(modelView),
    diagnostics: analysis.diagnostics,
    stopped: null,
  };
}

function modelView(m: FileAnalysis['models'][number]): AnalysisView['models'][number] {
  return {
    name: m.ir.name,
    kind: m.ir.kind,
    range: m.ir.range,
    layers: m.layers.map((l) => ({
      name: l.name,
      className: l.className,
      range: l.range,
      mask: l.mask,
      unknownBecause: l.unknownBecause,
      outputShape: l.outputShape,
      rule: { kind: l.rule.kind, supportsMasking: l.rule.supportsMasking, known: l.rule.known },
      inbound: l.inbound,
    })),
    loss: m.loss,
    lossMasked: m.lossMasked,
    outputPerTimestep: m.outputPerTimestep,
    diagnostics: m.diagnostics,
    ...(m.incomplete ? { incomplete: m.incomplete } : {}),
  };
}

/**
 * The analysis cut to what may leave the thread (viewSize.ts): the file's diagnostics while
 * they fit in a quarter of it, then the models in order while they fit.
 */
export function fitForView(analysis: FileAnalysis, label: string): FileAnalysis {
  const diagnostics: Diagnostic[] = [];
  let used = 0;
  for (const d of analysis.diagnostics) {
    used += jsonLength(d, MAX_VIEW_CHARS);
    if (used > MAX_VIEW_CHARS / 4) {
      const message = `MaskLens shows the first ${diagnostics.length} of this file's ${analysis.diagnostics.length} findings only: the rest would pass ${MAX_VIEW_CHARS / 4_000_000} MB.`;
      diagnostics.push({ code: 'analysis-limit', severity: 'warning', message, range: d.range });
      break;
    }
    diagnostics.push(d);
  }
  const trimmed = { ...analysis, diagnostics };
  const { count, warning } = modelsThatFit(trimmed, (i, room) => {
    const m = analysis.models[i];
    return jsonLength(modelView(m), room) + jsonLength(taskInputsOf(trimmed, m.ir, label), room);
  });
  if (!warning) return trimmed;
  const models = analysis.models.slice(0, count);
  const kept = new Set(models.map((m) => m.ir));
  return {
    ...trimmed,
    models,
    diagnostics: [...diagnostics, warning],
    ir: { ...analysis.ir, models: analysis.ir.models.filter((m) => kept.has(m)) },
  };
}

/** Per model name: the model as the runtime takes it, and the data and validation its source writes. */
export function taskInputs(analysis: FileAnalysis, label: string): Record<string, TaskInput> {
  const out: Record<string, TaskInput> = {};
  for (const { ir } of analysis.models) out[ir.name] = taskInputsOf(analysis, ir, label);
  return out;
}

function taskInputsOf(analysis: FileAnalysis, ir: ModelIR, label: string): TaskInput {
  const found = sourceData(analysis, ir, label);
  const weightFiles = (ir.training.weightFiles ?? [])
    .slice(0, 64)
    .map((f) => ({ path: f.path, how: f.how, line: f.range.start.line + 1 }));
  return {
    model: runtimeModelOf(ir),
    sourceData: found.data,
    sourceFiles: codeDataFiles(analysis, ir),
    sourceValidation: sourceValidation(analysis, ir) ?? null,
    notes: found.notes,
    weightFiles,
  };
}

/**
 * What leaves the analyzer thread of one file's analysis: the compact view the extension host
 * shows (models, layers with their masks, losses, diagnostics) and, per model, what a task
 * needs to run it, which the process keeps until the host asks.
 */
import type { FileAnalysis } from '../core/analysis/analyze';
import { sourceData, sourceValidation } from '../core/data/sourceData';
import type { AnalysisJob, AnalysisView, TaskInput } from '../core/protocol/analysisProcess';
import { runtimeModelOf } from '../core/protocol/runtimeTasks';

export function analysisView(job: AnalysisJob, analysis: FileAnalysis, elapsedMs: number): AnalysisView {
  return {
    uri: job.uri,
    version: job.version,
    elapsedMs,
    family: analysis.family,
    keras: analysis.keras,
    models: analysis.models.map((m) => ({
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
      })),
      loss: m.loss,
      lossMasked: m.lossMasked,
      outputPerTimestep: m.outputPerTimestep,
      diagnostics: m.diagnostics,
    })),
    diagnostics: analysis.diagnostics,
    stopped: null,
  };
}

/** Per model name: the model as the runtime takes it, and the data and validation its source writes. */
export function taskInputs(analysis: FileAnalysis, label: string): Record<string, TaskInput> {
  const out: Record<string, TaskInput> = {};
  for (const { ir } of analysis.models) {
    const found = sourceData(analysis, ir, label);
    const weightFiles = (ir.training.weightFiles ?? []).slice(0, 64).map((f) => ({ path: f.path, how: f.how, line: f.range.start.line + 1 }));
    out[ir.name] = { model: runtimeModelOf(ir), sourceData: found.data, sourceValidation: sourceValidation(analysis, ir) ?? null, notes: found.notes, weightFiles };
  }
  return out;
}

/** What the side view's model card shows of a saved model: its layers' masks and findings, and where it comes from instead of a line. */
import type { ModelAnalysis } from './analyze';
import { fitModelSummaries } from '../protocol/fitForView';
import type { ModelSummary } from '../protocol/viewMessages';
import type { SavedModel } from '../saved/savedModel';

const FORMAT_WORDS: Record<SavedModel['format'], string> = { 'keras-archive': '.keras archive', 'legacy-h5': 'legacy HDF5 model', 'weights-h5': 'weights file' };

export function savedModelSummary(m: ModelAnalysis, saved: SavedModel): ModelSummary {
  const summary: ModelSummary = {
    name: m.ir.name,
    kind: m.ir.kind,
    line: 0,
    origin: `${FORMAT_WORDS[saved.format]}${saved.kerasVersion ? ` saved by Keras ${saved.kerasVersion}` : ''}`,
    loss: m.loss,
    lossMasked: m.lossMasked,
    outputPerTimestep: m.outputPerTimestep,
    layers: m.layers.map((l) => ({ name: l.name, className: l.className, in: l.mask.in, out: l.mask.out, effect: l.mask.effect, line: 0 })),
    diagnostics: m.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, line: 0 })),
    lastResult: null,
  };
  return fitModelSummaries([summary]).models[0];
}

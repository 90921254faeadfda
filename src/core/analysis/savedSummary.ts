/**
 * What the saved-model editor shows of a saved model: its layers' masks and findings, and
 * where it comes from instead of a line, fitted to the editor's message limits (a 300-character
 * layer name or thousands of layers are shortened, never refused).
 */
import type { ModelAnalysis } from './analyze';
import { shorten } from '../protocol/fitForView';
import type { SavedModelSummary } from '../protocol/savedModelMessages';
import { VIEW_LIMITS } from '../protocol/viewMessages';
import type { SavedModel } from '../saved/savedModel';

const FORMAT_WORDS: Record<SavedModel['format'], string> = {
  'keras-archive': '.keras archive',
  'legacy-h5': 'legacy HDF5 model',
  'weights-h5': 'weights file',
};

export function savedModelSummary(m: ModelAnalysis, saved: SavedModel): SavedModelSummary {
  const layers = m.layers.map((l) => {
    const name = shorten(l.name, VIEW_LIMITS.label);
    const className = shorten(l.className, VIEW_LIMITS.label);
    const cut = name !== l.name || className !== l.className;
    return {
      name,
      className,
      in: l.mask.in,
      out: l.mask.out,
      effect: l.mask.effect,
      ...(cut ? { title: shorten(`${l.name} (${l.className})`, VIEW_LIMITS.title) } : {}),
    };
  });
  const diagnostics = m.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: shorten(d.message, VIEW_LIMITS.message),
  }));
  return {
    name: shorten(m.ir.name, VIEW_LIMITS.name),
    kind: m.ir.kind,
    origin: `${FORMAT_WORDS[saved.format]}${saved.kerasVersion ? ` saved by Keras ${shorten(saved.kerasVersion, 64)}` : ''}`,
    loss: m.loss === null ? null : shorten(m.loss, VIEW_LIMITS.label),
    lossMasked: m.lossMasked,
    outputPerTimestep: m.outputPerTimestep,
    layers: layers.slice(0, VIEW_LIMITS.layers),
    ...(layers.length > VIEW_LIMITS.layers ? { layersOmitted: layers.length - VIEW_LIMITS.layers } : {}),
    diagnostics: diagnostics.slice(0, VIEW_LIMITS.diagnostics),
    ...(diagnostics.length > VIEW_LIMITS.diagnostics
      ? { diagnosticsOmitted: diagnostics.length - VIEW_LIMITS.diagnostics }
      : {}),
  };
}

/**
 * Pairs what Keras built with what MaskLens read: models, then each model's layers.
 *
 * Models: a Keras model is matched by a MaskLens model whose name is one of the Keras
 * model's variable names (`model`, `tagger.model` or its last part `model`) or its Keras
 * name (`sequential_1`, what MaskLens names a model it finds on `self.model`). When several
 * MaskLens models carry the name (code that rebinds `model`), the one sharing the most layer
 * names wins. Each MaskLens model matches one Keras model at most.
 *
 * Layers: by name first; a Keras layer left over is then paired with the next left-over
 * MaskLens layer of the same class, in order (a naming slip should not hide a verdict).
 */
import type { LayerMask, ModelAnalysis } from '../../src/core/analysis/analyze';
import type { GoldenLayer, GoldenModel } from './goldens';

function candidateNames(m: GoldenModel): Set<string> {
  const names = new Set<string>([m.kerasName]);
  for (const n of [m.name, ...(m.aliases ?? [])]) {
    names.add(n);
    names.add(n.slice(n.lastIndexOf('.') + 1));
  }
  return names;
}

function sharedLayerNames(golden: GoldenModel, ours: ModelAnalysis): number {
  const mine = new Set(ours.layers.map((l) => l.name));
  return golden.layers.filter((l) => mine.has(l.name)).length;
}

/** For each golden model (same order), the MaskLens model matched to it, or null. */
export function matchModels(golden: GoldenModel[], ours: ModelAnalysis[]): (ModelAnalysis | null)[] {
  const taken = new Set<ModelAnalysis>();
  return golden.map((g) => {
    const names = candidateNames(g);
    const candidates = ours.filter(
      (m) => !taken.has(m) && (names.has(m.ir.name) || names.has(String(m.ir.config.config.name))),
    );
    if (candidates.length === 0) return null;
    const best = candidates.reduce((a, b) => (sharedLayerNames(g, b) > sharedLayerNames(g, a) ? b : a));
    taken.add(best);
    return best;
  });
}

/** For each golden layer (same order), the MaskLens layer matched to it, or null. */
export function matchLayers(golden: GoldenLayer[], ours: LayerMask[]): (LayerMask | null)[] {
  const taken = new Set<LayerMask>();
  const result = golden.map((g) => {
    const hit = ours.find((l) => !taken.has(l) && l.name === g.name) ?? null;
    if (hit) taken.add(hit);
    return hit;
  });
  return result.map((hit, i) => {
    if (hit) return hit;
    const byClass = ours.find((l) => !taken.has(l) && l.className === golden[i].className) ?? null;
    if (byClass) taken.add(byClass);
    return byClass;
  });
}

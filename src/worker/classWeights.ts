/**
 * `fit(class_weight=...)` as each Keras applies it to the loss training minimises (measured:
 * goldens class_weight_classifier in both families, class_weight_tagger in tf-keras): a
 * sample's weight is its target's class's (class ids rounded, one-hot targets by argmax; a
 * class not listed weighs 1), and the loss is weighted as by sample weights, under the mask.
 * Keras 3.15.1 makes one weight per sample and fails on sequence targets; tf-keras 2.21 weights
 * each timestep of (batch, time, 1) targets by its class and fails on (batch, time).
 */
import type { KerasFamily } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import type { Tensor } from './layers/base';
import type { Tf } from './tf';

function keras(family: KerasFamily): string {
  return family === 'keras3' ? 'Keras 3.15.1' : 'tf-keras 2.21';
}

function refuse(message: string): UserFacingError {
  return new UserFacingError(message, 'data-shape', 'y');
}

/**
 * Whether class weights apply per timestep (tf-keras, (batch, time, 1) targets) or per sample;
 * throws where Keras fails. `outputShape`: the model output's per-sample shape, which tells
 * (batch, time) class ids from (batch, classes) one-hot targets.
 */
export function classWeightShape(
  family: KerasFamily,
  yShape: readonly number[],
  outputShape: number[],
  hasSampleWeight: boolean,
): 'sample' | 'timestep' {
  if (hasSampleWeight) {
    // Keras 3 refuses both (data adapters: "You cannot `class_weight` and `sample_weight` at the same time").
    throw refuse(
      family === 'keras3'
        ? 'Keras 3 refuses class_weight and sample_weight together ("You cannot `class_weight` and `sample_weight` at the same time")'
        : 'class_weight together with sample_weight is not supported: how tf-keras 2.21 combines them is not measured',
    );
  }
  const per = yShape.slice(1);
  const sequence = outputShape.length >= 2;
  if (per.length === 0 || (per.length === 1 && !sequence)) return 'sample';
  const targets = `targets of shape (batch, ${per.join(', ')})`;
  if (family === 'keras3') {
    throw refuse(
      `${keras(family)} fails on class_weight with ${targets} (TypeError: only 0-dimensional arrays can be converted to Python scalars): it makes one weight per sample`,
    );
  }
  if (per.length === 2 && per[1] === 1) return 'timestep';
  throw refuse(
    per.length === 1
      ? `${keras(family)} fails on class_weight with ${targets}; give the targets a last axis of 1`
      : `class_weight with ${targets} is not supported: what tf-keras 2.21 does with them is not measured`,
  );
}

/** The weight of each sample (batch,) or timestep (batch, time) of `y`, from its class. */
export function classWeights(
  tf: Tf,
  family: KerasFamily,
  y: Tensor,
  outputShape: number[],
  classWeight: Record<string, number>,
  hasSampleWeight: boolean,
): Tensor {
  const per = classWeightShape(family, y.shape, outputShape, hasSampleWeight);
  const values = y.dataSync();
  const last = y.rank >= 2 ? y.shape[y.rank - 1] : 1;
  const oneHot = per === 'sample' && last > 1;
  const count = oneHot ? values.length / last : values.length;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let id: number;
    if (oneHot) {
      id = 0;
      for (let c = 1; c < last; c++) if (values[i * last + c] > values[i * last + id]) id = c;
    } else id = Math.round(values[i]);
    out[i] = classWeight[String(id)] ?? 1;
  }
  return tf.tensor(out, per === 'timestep' ? y.shape.slice(0, 2) : y.shape.slice(0, 1));
}

/**
 * What training does with `class_weight`, for the result (checked before the first step, so a
 * target shape Keras fails on is one sentence before anything runs).
 */
export function classWeightNoteOf(
  family: KerasFamily,
  yShape: readonly number[],
  outputShape: number[],
  hasSampleWeight: boolean,
  classWeight: Record<string, number>,
): string {
  const per = classWeightShape(family, yShape, outputShape, hasSampleWeight);
  const given = Object.entries(classWeight)
    .map(([id, w]) => `${id}: ${w}`)
    .join(', ');
  return per === 'timestep'
    ? `class_weight {${given}} weights each timestep by its target's class, under the mask (${keras(family)}: Σ(L·m·w)/Σm in the loss training minimises)`
    : `class_weight {${given}} weights each sample by its target's class in the loss training minimises, as ${keras(family)} does`;
}

/**
 * Layer class name → runtime implementation, keyed by the layer entries' class names
 * (src/core/layers): a class MaskLens knows but cannot run does not compile.
 */
import type { JsonObject } from '../../core/ir';
import { UserFacingError } from '../../core/protocol/task';
import { isOpModule } from '../../core/graph/fromConfig';
import type { LayerSpec } from '../../core/graph/modelGraph';
import { isLayerClass, type LayerClassName } from '../../core/layers/index';
import { thirdPartyEntry } from '../../core/layers/thirdParty';
import { DotAttention, MultiHeadAttention } from './attention';
import type { LayerEnv, RuntimeLayer } from './base';
import { Conv1D, GlobalPooling1D, Pooling1D } from './conv';
import {
  Activation,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GaussianNoise,
  Masking,
  Permute,
  RepeatVector,
  Reshape,
} from './core';
import { EinsumDense } from './einsum';
import { Lambda } from './lambda';
import { Concatenate, Dot, Merge } from './merge';
import { BatchNormalization, LayerNormalization } from './normalization';
import { OpLayer, SlicingOpLambda, TFOpLambda } from './ops';
import { Bidirectional, Recurrent } from './recurrent';
import { TimeDistributed } from './wrappers';
import { TextPreprocessing } from './preprocessing';

type Ctor = new (name: string, className: string, config: JsonObject, env: LayerEnv) => RuntimeLayer;

export const RUNTIME_CLASSES: Record<LayerClassName, Ctor> = {
  Dense,
  EinsumDense,
  Activation,
  ReLU: Activation,
  Softmax: Activation,
  Dropout,
  SpatialDropout1D: Dropout,
  GaussianDropout: Dropout,
  GaussianNoise,
  Masking,
  Embedding,
  Flatten,
  Reshape,
  RepeatVector,
  Permute,
  LSTM: Recurrent,
  GRU: Recurrent,
  SimpleRNN: Recurrent,
  RNN: Recurrent,
  Bidirectional,
  TimeDistributed,
  Lambda,
  TFOpLambda,
  SlicingOpLambda,
  Conv1D,
  MaxPooling1D: Pooling1D,
  AveragePooling1D: Pooling1D,
  GlobalAveragePooling1D: GlobalPooling1D,
  GlobalMaxPooling1D: GlobalPooling1D,
  BatchNormalization,
  LayerNormalization,
  Add: Merge,
  Subtract: Merge,
  Multiply: Merge,
  Average: Merge,
  Maximum: Merge,
  Minimum: Merge,
  Concatenate,
  Dot,
  Attention: DotAttention,
  AdditiveAttention: DotAttention,
  MultiHeadAttention,
  TextVectorization: TextPreprocessing,
  StringLookup: TextPreprocessing,
  IntegerLookup: TextPreprocessing,
};

export function createLayer(
  spec: Pick<LayerSpec, 'name' | 'className' | 'module' | 'config'>,
  env: LayerEnv,
): RuntimeLayer {
  if (isOpModule(spec.module)) return new OpLayer(spec.name, spec.className, spec.config, env);
  const third = thirdPartyEntry(spec.className, spec.module);
  if (third) {
    throw new UserFacingError(
      `layer '${spec.name}' is ${third.library}'s ${spec.className}: MaskLens follows its masks but cannot run it yet`,
      'unsupported-layer',
      spec.name,
    );
  }
  if (!isLayerClass(spec.className)) {
    throw new UserFacingError(
      `layer '${spec.name}' is a ${spec.className}, which MaskLens cannot run yet (supported: ${Object.keys(RUNTIME_CLASSES).sort().join(', ')})`,
      'unsupported-layer',
      spec.name,
    );
  }
  const Ctor = RUNTIME_CLASSES[spec.className];
  return new Ctor(spec.name, spec.className, spec.config, env);
}

TimeDistributed.factory = (name, className, config, env) =>
  createLayer({ name, className, module: 'keras.layers', config }, env);

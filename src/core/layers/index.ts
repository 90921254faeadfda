/**
 * Every Keras layer class MaskLens knows, one entry each (signature and defaults, mask-rule
 * rows, shape rule), grouped by Keras module. The reader, the mask-rule registry and the
 * graph read these entries; the runtime keys its implementations by `LayerClassName`, so a
 * class without one does not compile.
 */
import { ACTIVATION_LAYERS } from './activations';
import { ATTENTION_LAYERS } from './attention';
import { CONVOLUTIONAL_LAYERS } from './convolutional';
import { CORE_LAYERS } from './core';
import type { LayerEntry } from './entry';
import { MERGING_LAYERS } from './merging';
import { NORMALIZATION_LAYERS } from './normalization';
import { POOLING_LAYERS } from './pooling';
import { PREPROCESSING_LAYERS } from './preprocessing';
import { REGULARIZATION_LAYERS } from './regularization';
import { RESHAPING_LAYERS } from './reshaping';
import { RNN_LAYERS } from './rnn';

export const LAYER_ENTRIES = {
  ...CORE_LAYERS,
  ...ACTIVATION_LAYERS,
  ...REGULARIZATION_LAYERS,
  ...RESHAPING_LAYERS,
  ...POOLING_LAYERS,
  ...CONVOLUTIONAL_LAYERS,
  ...NORMALIZATION_LAYERS,
  ...MERGING_LAYERS,
  ...ATTENTION_LAYERS,
  ...RNN_LAYERS,
  ...PREPROCESSING_LAYERS,
} satisfies Record<string, LayerEntry>;

export type LayerClassName = keyof typeof LAYER_ENTRIES;

export function isLayerClass(name: string): name is LayerClassName {
  return Object.hasOwn(LAYER_ENTRIES, name);
}

/** The entry of a class, or undefined for a class MaskLens does not know. */
export function layerEntry(className: string): LayerEntry | undefined {
  return isLayerClass(className) ? LAYER_ENTRIES[className] : undefined;
}

/** Layer classes under another name (Keras 2 aliases Keras 3 still exports). */
export const CLASS_ALIASES: Record<string, LayerClassName> = {
  CuDNNLSTM: 'LSTM',
  CuDNNGRU: 'GRU',
  Convolution1D: 'Conv1D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
};

/** Functional helpers (`layers.concatenate([a, b])`) and the class each one instantiates. */
export const MERGE_HELPERS: Record<string, LayerClassName> = {
  concatenate: 'Concatenate',
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
  dot: 'Dot',
};

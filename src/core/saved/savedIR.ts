/**
 * A saved model as the analysis and the runtime take a model: a ModelIR whose config is the
 * one Keras wrote (the format the reader's IR imitates), with no source to point into, and
 * the loss, optimizer and metrics `compile` was given.
 */
import type { ModelIR } from '../ir';
import type { SavedModel } from './savedModel';

const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function savedModelIR(saved: SavedModel): ModelIR {
  const name = saved.config.config.name;
  return {
    name,
    kind: saved.config.class_name === 'Sequential' ? 'sequential' : 'functional',
    range: NOWHERE,
    config: saved.config,
    sources: {},
    inputMaxima: {},
    lambdas: {},
    customLayers: {},
    training: {
      loss: saved.training.loss,
      optimizer: saved.training.optimizer,
      sampleWeightMode: null,
      batchSize: null,
      epochs: null,
      fitArgs: {},
      evaluateArgs: null,
      predictArgs: null,
      customLoss: null,
      metrics: saved.training.metrics,
      weightedMetrics: saved.training.weightedMetrics,
      customMetrics: [],
    },
    unresolved: [],
    diagnostics: [],
  };
}

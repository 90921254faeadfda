/**
 * A failed task as the user meets it: the full message, where in their file it points (the
 * layer the runtime names, else the model's first line), and what they can do about it.
 */
import type { Range } from '../ir';
import type { FailureAction, FailureLocation } from '../protocol/viewMessages';

/** What the analysis says of where a model and its layers are written. */
export interface LocatedModel {
  range: Range;
  layers: { name: string; range: Range }[];
}

export interface TaskFailure {
  message: string;
  code: string | undefined;
  location: FailureLocation;
  actions: FailureAction[];
}

/** Codes of failures that other data would resolve: the data the model ran on is wrong or missing. */
const DATA_CODES = new Set([
  'data-corrupt',
  'data-format',
  'data-shape',
  'data-dtype',
  'data-nan',
  'data-range',
  'data-missing',
  'data-access',
  'model-input-shape',
  'layer-input',
]);

/**
 * `location` is what the runtime reported: a layer's name for model and layer failures, a
 * role or a file for data failures. A layer name the model has becomes a layer location; else
 * the first of the model's layers the message names in quotes (data checks name the layer the
 * data is wrong for: "outside Embedding 'embedding''s vocabulary").
 */
export function describeFailure(
  error: { message: string; code?: string; location?: string },
  model: LocatedModel,
): TaskFailure {
  const named =
    model.layers.find((l) => l.name === error.location) ??
    model.layers.find((l) => error.message.includes(`'${l.name}'`));
  const layer = named;
  const at = layer?.range.start ?? model.range.start;
  const location: FailureLocation = { line: at.line, character: at.character, ...(layer ? { layer: layer.name } : {}) };
  const data = error.code !== undefined && DATA_CODES.has(error.code);
  const actions: FailureAction[] = data ? ['selectData', 'goToLine', 'showLog'] : ['goToLine', 'selectData', 'showLog'];
  return { message: error.message, code: error.code, location, actions };
}

/**
 * TensorFlow's own errors name a kernel ("GatherV2: the index value -1 is not in [0, 101]"),
 * not the user's model. The executor knows which layer was running and on which tensors: this
 * turns such an error into one sentence about that layer and its input, keeping TensorFlow's
 * words at the end for whoever searches for them.
 */
import { TaskCancelledError, UserFacingError } from '../core/protocol/task';

export interface FailedCall {
  layer: string;
  className: string;
  config: Record<string, unknown>;
  /** The layers whose outputs the call received (a model input is its InputLayer's name). */
  inputsFrom: string[];
}

/** What an Embedding's index error means in the user's terms, when it is one. */
function embeddingHint(call: FailedCall, message: string): string | null {
  if (call.className !== 'Embedding' || !/Gather/i.test(message)) return null;
  const inputDim = typeof call.config.input_dim === 'number' ? call.config.input_dim : null;
  const range = inputDim === null ? 'the Embedding’s input_dim' : `0…${inputDim - 1} (input_dim=${inputDim})`;
  return `a token id in the data is outside ${range}; every id must be a valid row of the embedding table`;
}

export function layerFailure(error: unknown, call: FailedCall): unknown {
  if (error instanceof UserFacingError || error instanceof TaskCancelledError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const from = call.inputsFrom.length === 0 ? '' : ` on its input from '${call.inputsFrom.join("', '")}'`;
  const hint = embeddingHint(call, raw);
  const message = `layer '${call.layer}' (${call.className}) failed${from}: ${hint ? `${hint}. TensorFlow said: ${raw}` : raw}`;
  return new UserFacingError(message, hint ? 'layer-input' : 'layer-failed', call.layer);
}

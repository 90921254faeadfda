/**
 * The weights a task was given, read into per-layer lists in Keras' `get_weights()` order:
 * inline in the request, a JSON file in that order, or a file Keras saved (a `.keras`
 * archive, a legacy `.h5` model, a `.weights.h5` checkpoint), told apart by its first
 * bytes and mapped to the model's layers by `src/core/saved`. The file is opened once and
 * checked on the opened file (Restricted Mode), and its size is charged before it is read.
 */
import { z } from 'zod';
import type { KerasModelConfig } from '../core/ir';
import { parseJsonText } from '../core/data/jsonText';
import type { MemoryBudget } from '../core/runtime/memory';
import { UserFacingError } from '../core/protocol/task';
import {
  type FileAccess,
  layerWeightsSchema,
  type LayerWeights,
  type WeightsUsed,
  type weightsSpecSchema,
} from '../core/protocol/runtimeTasks';
import { readSavedWeights, savedFormatOf, type SavedFormat } from '../core/saved/savedModel';
import type { CustomHeld } from '../core/saved/heldLayers';
import { openForReading, readAll, readPrefix } from './fileAccess';
import type { GivenWeight } from './layers/weights';

export type GivenWeights = Map<string, GivenWeight[]>;

function toFloat32(values: ArrayLike<number | null | string>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;
  }
  return out;
}

export function givenWeights(layers: LayerWeights[]): GivenWeights {
  const map: GivenWeights = new Map();
  for (const l of layers) {
    map.set(
      l.layer,
      l.weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        values: toFloat32(w.values as ArrayLike<number | null | string>),
      })),
    );
  }
  return map;
}

const weightsFileSchema = z.union([
  z.array(layerWeightsSchema),
  z.object({ weights: z.array(layerWeightsSchema) }),
  z.object({ layers: z.array(layerWeightsSchema) }),
]);

/** JSON keeps about 12 bytes of heap per byte of text while parsed (see TEXT_PARSE_FACTOR in data.ts). */
const WEIGHTS_PARSE_FACTOR = 12;

const FORMAT_WORDS: Record<SavedFormat | 'json', string> = {
  json: "a JSON list in Keras' get_weights() order",
  'keras-archive': 'a .keras archive',
  'legacy-h5': 'a legacy HDF5 model',
  'weights-h5': 'a Keras weights file',
};

function jsonWeights(bytes: Uint8Array, path: string): LayerWeights[] {
  const r = weightsFileSchema.safeParse(parseJsonText(new TextDecoder().decode(bytes), `weights file ${path}`));
  if (!r.success) {
    throw new UserFacingError(
      'weights file must be [{"layer", "weights": [{"name", "shape", "values"}]}] in Keras get_weights() order, or a file Keras saved (.keras, .h5, .weights.h5)',
      'weights-file',
      path,
    );
  }
  return Array.isArray(r.data) ? r.data : 'weights' in r.data ? r.data.weights : r.data.layers;
}

/** A weights file for `model`, whatever its format. */
export function readWeightsFile(
  path: string,
  access: FileAccess,
  model: KerasModelConfig,
  budget?: MemoryBudget,
  custom: CustomHeld = {},
): { weights: GivenWeights; used: WeightsUsed } {
  let charged = 0;
  try {
    const file = openForReading(path, access, `weights file ${path}`);
    try {
      const saved = savedFormatOf(readPrefix(file, 8));
      // A saved file is held whole while its weights are copied out; JSON many times over while parsed.
      charged = file.size * (saved ? 1 : WEIGHTS_PARSE_FACTOR);
      budget?.take(
        charged,
        `the weights file (${file.size.toLocaleString('en-US')} bytes${saved ? '' : ' of JSON, parsed'})`,
        path,
      );
      const bytes = readAll(file);
      if (saved) {
        const read = readSavedWeights(bytes, path, model, budget, custom);
        return {
          weights: new Map(
            [...read.layers].map(([layer, arrays]) => [
              layer,
              arrays.map((a) => ({ name: a.name, shape: a.shape, values: a.values })),
            ]),
          ),
          used: {
            source: 'file',
            format: read.format,
            file: path,
            description: `weights from ${path} (${FORMAT_WORDS[read.format]}${read.layout === 'legacy-h5' ? ', layers matched by name' : ''})`,
          },
        };
      }
      return {
        weights: givenWeights(jsonWeights(bytes, path)),
        used: {
          source: 'file',
          format: 'json',
          file: path,
          description: `weights from ${path} (${FORMAT_WORDS.json})`,
        },
      };
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    // A file that cannot be read: node's message names the path and the reason, not the content.
    throw new UserFacingError(
      `cannot read weights file: ${error instanceof Error ? error.message : String(error)}`,
      'weights-file',
      path,
    );
  } finally {
    budget?.release(charged);
  }
}

export function loadGivenWeights(
  spec: z.output<typeof weightsSpecSchema> | undefined,
  access: FileAccess,
  model: KerasModelConfig,
  seed: number,
  budget?: MemoryBudget,
  custom: CustomHeld = {},
): { weights: GivenWeights | null; used: WeightsUsed } {
  if (!spec)
    return {
      weights: null,
      used: { source: 'initialised', description: `initial weights: Keras' default initializers under seed ${seed}` },
    };
  if (spec.source === 'inline')
    return {
      weights: givenWeights(spec.layers),
      used: { source: 'inline', description: 'weights given with the request' },
    };
  return readWeightsFile(spec.path, access, model, budget, custom);
}

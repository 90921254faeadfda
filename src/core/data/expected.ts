/** What data a model takes, in words for a file picker: each input's shape and dtype, and the output the labels must match. */
import { formatShape } from '../format';
import { buildGraph } from '../graph/fromConfig';
import type { KerasModelConfig } from '../ir';

export interface ExpectedData {
  /** One line per input: `x: (None, 362, 24) float32`. */
  inputs: string[];
}

/** Integer token ids when an Embedding reads the input; otherwise the input layer's dtype. */
export function expectedData(config: KerasModelConfig): ExpectedData {
  try {
    const graph = buildGraph(config);
    return {
      inputs: graph.inputs.map((input) => {
        const readByEmbedding = graph.nodes.some(
          (n) => n.inputs.some((r) => r.layer === input.name) && graph.layers.get(n.layer)?.className === 'Embedding',
        );
        const shape = input.batchShape ? formatShape(input.batchShape) : 'a shape the model takes from its data';
        return `${input.name}: ${shape} ${readByEmbedding ? 'integer token ids' : input.dtype}`;
      }),
    };
  } catch {
    // A model the runtime cannot build still gets its files picked; the run will say what is wrong.
    return { inputs: [] };
  }
}

/** What data a model takes, in words for a file picker: each input's shape and dtype, and the output the labels must match. */
import { formatShape } from '../format';
import { buildGraph } from '../graph/fromConfig';
import type { KerasModelConfig } from '../ir';

export interface ExpectedInput {
  name: string;
  /** The input's shape with its batch axis; null where the model takes it from its data. */
  batchShape: (number | null)[] | null;
  /** Integer token ids when an Embedding reads the input; otherwise the input layer's dtype. */
  kind: string;
}

export interface ExpectedData {
  inputs: ExpectedInput[];
  /** One line per input: `x: (None, 362, 24) float32`. */
  lines: string[];
}

export function expectedData(config: KerasModelConfig): ExpectedData {
  try {
    const graph = buildGraph(config);
    const inputs = graph.inputs.map((input) => {
      const readByEmbedding = graph.nodes.some(
        (n) => n.inputs.some((r) => r.layer === input.name) && graph.layers.get(n.layer)?.className === 'Embedding',
      );
      return {
        name: input.name,
        batchShape: input.batchShape ? [...input.batchShape] : null,
        kind: readByEmbedding ? 'integer token ids' : input.dtype,
      };
    });
    const lines = inputs.map(
      (i) =>
        `${i.name}: ${i.batchShape ? formatShape(i.batchShape) : 'a shape the model takes from its data'} ${i.kind}`,
    );
    return { inputs, lines };
  } catch {
    // A model the runtime cannot build still gets its files picked; the run will say what is wrong.
    return { inputs: [], lines: [] };
  }
}

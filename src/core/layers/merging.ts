/** keras.layers in keras/src/layers/merging: the elementwise merges, Concatenate and Dot. */
import { both, merging, rule } from '../masking/rows';
import type { LayerEntry, LayerSignature, Shape } from './entry';
import { sameShape } from './shapeRules';

const merge: LayerSignature = { params: [], defaults: () => ({}) };

export const MERGING_LAYERS = {
  Add: { signature: merge, mask: merging('add'), shape: sameShape },
  Subtract: { signature: merge, mask: merging('subtract'), shape: sameShape },
  Multiply: { signature: merge, mask: merging('multiply'), shape: sameShape },
  Average: { signature: merge, mask: merging('average'), shape: sameShape },
  Maximum: { signature: merge, mask: merging('maximum'), shape: sameShape },
  Minimum: { signature: merge, mask: merging('minimum'), shape: sameShape },
  Concatenate: {
    signature: { params: ['axis'], defaults: () => ({ axis: -1 }) },
    mask: [
      {
        family: 'keras3',
        from: '3.4.0',
        until: '3.12.0',
        rule: {
          ...rule(
            true,
            'concatenate',
            'layers/merging/concatenate.py compute_mask (3.4.0-3.11.3): missing masks are all-true, the others broadcast_to(expand_dims(mask), shape(input)); any() over the last axis. Measured on 3.4.0-3.11.3 (sweep) and 3.12.0: a model whose RNN, pooling or attention layer takes that mask fails when it runs; 3.12.0 runs it',
          ),
          reduce: 'any',
          broadcastsRecordedMask: true,
        },
      },
      {
        family: 'keras3',
        rule: {
          ...rule(
            true,
            'concatenate',
            'layers/merging/concatenate.py compute_mask: missing masks are all-true; any() over the last axis',
          ),
          reduce: 'any',
        },
      },
      {
        family: 'tf-keras2',
        rule: {
          ...rule(
            true,
            'concatenate',
            'tf_keras layers/merging/concatenate.py compute_mask: missing masks are all-true; all() over the last axis',
          ),
          reduce: 'all',
        },
      },
    ],
    shape: ({ inputs, config }) => {
      const input = inputs[0];
      if (inputs.some((s) => !s) || !input) return null;
      const axis = typeof config.axis === 'number' ? config.axis : -1;
      const at = axis < 0 ? input.length + axis : axis;
      const out: Shape = [...input];
      const dims = inputs.map((s) => (s as Shape)[at]);
      out[at] = dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a + b, 0) : null;
      return out;
    },
  },
  Dot: {
    signature: {
      params: ['axes', 'normalize'],
      defaults: () => ({ axes: null, normalize: false }),
      norms: { axes: 'list' },
    },
    mask: both(rule(true, 'none', 'layers/merging/dot.py compute_mask: returns None (both families)')),
    shape: ({ inputs, config }) => {
      const [a, b] = inputs;
      if (!a || !b) return null;
      const given = Array.isArray(config.axes) ? config.axes : [config.axes, config.axes];
      const at = (axis: unknown, rank: number): number | null =>
        typeof axis === 'number' ? ((axis % rank) + rank) % rank : null;
      const axA = at(given[0], a.length);
      const axB = at(given[1], b.length);
      if (axA === null || axB === null) return null;
      // batch_dot: x's axes but the summed one, then y's but its batch and summed ones; at least (batch, 1).
      const out: Shape = [...a.filter((_, i) => i !== axA), ...b.filter((_, i) => i !== 0 && i !== axB)];
      return out.length === 1 ? [out[0], 1] : out;
    },
  },
} satisfies Record<string, LayerEntry>;

/** keras.layers in keras/src/layers/merging: the elementwise merges and Concatenate. */
import { merging, rule } from '../masking/rows';
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
      { family: 'keras3', rule: { ...rule(true, 'concatenate', 'layers/merging/concatenate.py compute_mask: missing masks are all-true; any() over the last axis'), reduce: 'any' } },
      { family: 'tf-keras2', rule: { ...rule(true, 'concatenate', 'tf_keras layers/merging/concatenate.py compute_mask: missing masks are all-true; all() over the last axis'), reduce: 'all' } },
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
} satisfies Record<string, LayerEntry>;

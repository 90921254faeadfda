/** keras.layers in keras/src/layers/core: Masking, Embedding, Dense, EinsumDense, Lambda; tf.keras' TFOpLambda. */
import { both, rule, unsupported } from '../masking/rows';
import type { LayerEntry } from './entry';
import { initializer } from './kerasObjects';
import { count, intList, lambdaShape, sameShape } from './shapeRules';
import { einsumShapes, lastOf, product } from './weightCounts';

const init = (name: string) => initializer(name) ?? null;

export const CORE_LAYERS = {
  Masking: {
    signature: { params: ['mask_value'], defaults: () => ({ mask_value: 0.0 }), norms: { mask_value: 'float' } },
    mask: both(rule(true, 'masking', 'layers/core/masking.py: any(inputs != mask_value, axis=-1)')),
    shape: sameShape,
  },
  Embedding: {
    signature: {
      params: [
        'input_dim',
        'output_dim',
        'embeddings_initializer',
        'embeddings_regularizer',
        'embeddings_constraint',
        'mask_zero',
        'weights',
      ],
      defaults: () => ({
        input_dim: null,
        output_dim: null,
        embeddings_initializer: init('uniform'),
        embeddings_regularizer: null,
        activity_regularizer: null,
        embeddings_constraint: null,
        mask_zero: false,
        quantization_config: null,
      }),
      norms: {
        embeddings_initializer: 'initializer',
        embeddings_regularizer: 'regularizer',
        activity_regularizer: 'regularizer',
        embeddings_constraint: 'constraint',
      },
      dropped: ['input_length', 'weights', 'lora_rank', 'lora_alpha', 'sparse'],
    },
    mask: both({
      ...rule(
        false,
        'embedding',
        'layers/core/embedding.py: supports_masking = mask_zero; compute_mask: inputs != 0 when mask_zero',
      ),
      supportsMaskingFrom: 'mask_zero',
    }),
    shape: ({ inputs: [input], config }) => (input ? [...input, count(config.output_dim)] : null),
    sizesFromWeights: ([table]: number[][]): Record<string, number> =>
      table?.length === 2 ? { input_dim: table[0], output_dim: table[1] } : {},
    params: ({ config }) => {
      const [rows, width] = [count(config.input_dim), count(config.output_dim)];
      return rows === null || width === null ? null : rows * width;
    },
  },
  Dense: {
    signature: {
      params: [
        'units',
        'activation',
        'use_bias',
        'kernel_initializer',
        'bias_initializer',
        'kernel_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'bias_constraint',
      ],
      defaults: () => ({
        units: null,
        activation: 'linear',
        use_bias: true,
        kernel_initializer: init('glorot_uniform'),
        bias_initializer: init('zeros'),
        kernel_regularizer: null,
        bias_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        quantization_config: null,
      }),
      norms: {
        activation: 'activation',
        kernel_initializer: 'initializer',
        bias_initializer: 'initializer',
        kernel_regularizer: 'regularizer',
        bias_regularizer: 'regularizer',
        activity_regularizer: 'regularizer',
        kernel_constraint: 'constraint',
        bias_constraint: 'constraint',
      },
      dropped: ['lora_rank', 'lora_alpha'],
    },
    mask: both(rule(true, 'identity', 'layers/core/dense.py: supports_masking = True, default compute_mask')),
    shape: ({ inputs: [input], config }) => (input ? [...input.slice(0, -1), count(config.units)] : null),
    sizesFromWeights: ([kernel]: number[][]): Record<string, number> =>
      kernel?.length === 2 ? { units: kernel[1] } : {},
    params: ({ inputs: [input], config }) => {
      const [inDim, units] = [lastOf(input), count(config.units)];
      return inDim === null || units === null ? null : inDim * units + (config.use_bias === false ? 0 : units);
    },
  },
  EinsumDense: {
    signature: {
      params: [
        'equation',
        'output_shape',
        'activation',
        'bias_axes',
        'kernel_initializer',
        'bias_initializer',
        'kernel_regularizer',
        'bias_regularizer',
        'kernel_constraint',
        'bias_constraint',
      ],
      defaults: () => ({
        output_shape: null,
        equation: null,
        activation: 'linear',
        bias_axes: null,
        kernel_initializer: init('glorot_uniform'),
        bias_initializer: init('zeros'),
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        quantization_config: null,
      }),
      norms: {
        output_shape: 'tuple1',
        activation: 'activation',
        kernel_initializer: 'initializer',
        bias_initializer: 'initializer',
        kernel_regularizer: 'regularizer',
        bias_regularizer: 'regularizer',
        activity_regularizer: 'regularizer',
        kernel_constraint: 'constraint',
        bias_constraint: 'constraint',
      },
      dropped: ['lora_rank', 'lora_alpha', 'gptq_unpacked_column_size'],
    },
    // Checked against Keras 3.15.1 and tf-keras 2.21.0: EinsumDense(...).supports_masking is False in both.
    mask: unsupported('layers/core/einsum_dense.py'),
    shape: ({ inputs: [input], config }) => {
      const spec = Array.isArray(config.output_shape) ? config.output_shape : [config.output_shape ?? null];
      return input ? [input[0] ?? null, ...spec.map((d) => (typeof d === 'number' ? d : null))] : null;
    },
    params: ({ inputs: [input], config }) => {
      const spec = Array.isArray(config.output_shape) ? config.output_shape : [config.output_shape ?? null];
      if (!input || typeof config.equation !== 'string') return null;
      try {
        const { kernel, bias } = einsumShapes(
          config.equation,
          input,
          spec.map((d) => (typeof d === 'number' ? d : null)),
          typeof config.bias_axes === 'string' ? config.bias_axes : null,
        );
        return product(kernel) + (bias ? product(bias) : 0);
      } catch {
        return null; // the runtime says why when it builds the layer
      }
    },
  },
  Lambda: {
    signature: {
      params: ['function', 'output_shape', 'mask', 'arguments'],
      defaults: () => ({ function: null, arguments: {} }),
      norms: { output_shape: 'list' },
    },
    mask: [
      {
        family: 'keras3',
        rule: {
          ...rule(
            true,
            'lambda',
            'layers/core/lambda_layer.py: supports_masking = mask is not None; compute_mask: mask(inputs, previous_mask) if callable else mask',
          ),
          supportsMaskingFrom: 'mask',
          callTakesMask: true,
        },
      },
      {
        family: 'tf-keras2',
        rule: rule(
          true,
          'lambda',
          'tf_keras layers/core/lambda_layer.py compute_mask: mask(inputs, previous_mask) if callable else mask',
        ),
      },
    ],
    shape: ({ inputs: [input], config, lambda }) => {
      const fromBody = input ? lambdaShape(lambda?.fn?.body ?? null, input) : null;
      if (fromBody) return fromBody;
      const declared = intList(config.output_shape);
      return declared && input ? [input[0] ?? null, ...declared] : null;
    },
  },
  // tf.keras 2 only: what a TensorFlow function called on a KerasTensor becomes (`tf.math.not_equal(x, 0)`).
  TFOpLambda: {
    signature: { params: ['function'], defaults: () => ({ function: null }) },
    mask: both(
      rule(
        false,
        'unsupported',
        'tf_keras layers/core/tf_op_layer.py: TFOpLambda is a Layer with the default supports_masking = False',
      ),
    ),
    shape: () => null,
  },
  // tf.keras 2 only: `x[:, -1, :]` on a KerasTensor (a TFOpLambda around tf.__operators__.getitem).
  SlicingOpLambda: {
    signature: { params: ['function'], defaults: () => ({ function: null }) },
    mask: both(
      rule(
        false,
        'unsupported',
        'tf_keras layers/core/tf_op_layer.py: SlicingOpLambda is a TFOpLambda, a Layer with the default supports_masking = False',
      ),
    ),
    shape: () => null,
  },
} satisfies Record<string, LayerEntry>;

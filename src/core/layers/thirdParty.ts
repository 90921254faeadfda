/**
 * Widely used layers from libraries beside Keras, by the module they are imported from:
 * keras-hub (and keras-nlp, which re-exports it), keras-contrib and TensorFlow Addons. Each
 * entry has the constructor signature the reader needs, the mask rule read from the
 * library's source (the evidence names the file and what it does with masks), and a shape
 * rule. MaskLens follows their masks but does not run them: the runtime refuses a model
 * holding one with `runtime`'s reason.
 *
 * Read in keras-hub 0.32.0 and keras-nlp 0.32.0 (installed for the real-world corpus,
 * test/realworld/requirements-corpus.txt), keras-contrib at commit 0d23054f and TensorFlow
 * Addons at commit 037549c5. keras-hub needs Keras 3; keras-contrib imports `keras.engine`,
 * which neither Keras 3 nor tf-keras 2 has (the corpus goldens record the ImportError); TensorFlow
 * Addons runs with tf.keras 2. Their rows hold for both families because the mask logic is
 * the library's own, not the Keras version's.
 */
import { both, rule } from '../masking/rows';
import type { VersionedRule } from '../masking/rules';
import type { LayerSignature, ShapeCall, Shape } from './entry';
import { initializer } from './kerasObjects';
import { count, sameShape } from './shapeRules';

export interface ThirdPartyEntry {
  /** The library, as messages name it. */
  library: string;
  signature: LayerSignature;
  mask: VersionedRule[];
  shape: (call: ShapeCall) => Shape | null;
  /** How many tensors a call returns (TensorFlow Addons' CRF: four). */
  outputs?: number;
}

const KERAS_HUB = /^keras_(hub|nlp)(\.|$)/;
const KERAS_CONTRIB = /^keras_contrib(\.|$)/;
const ADDONS = /^tensorflow_addons(\.|$)/;

const HUB = 'keras_hub/src/layers/modeling';
const init = (name: string) => initializer(name) ?? null;

const transformerParams = [
  'intermediate_dim',
  'num_heads',
  'dropout',
  'activation',
  'layer_norm_epsilon',
  'kernel_initializer',
  'bias_initializer',
  'normalize_first',
];
const transformerDefaults = () => ({
  intermediate_dim: null,
  num_heads: null,
  dropout: 0,
  activation: 'relu',
  layer_norm_epsilon: 1e-5,
  kernel_initializer: init('glorot_uniform'),
  bias_initializer: init('zeros'),
  normalize_first: false,
});

const ENTRIES: { modules: RegExp; className: string; entry: ThirdPartyEntry }[] = [
  {
    modules: KERAS_HUB,
    className: 'TokenAndPositionEmbedding',
    entry: {
      library: 'keras_hub',
      signature: {
        params: [
          'vocabulary_size',
          'sequence_length',
          'embedding_dim',
          'tie_weights',
          'embeddings_initializer',
          'mask_zero',
        ],
        defaults: () => ({
          vocabulary_size: null,
          sequence_length: null,
          embedding_dim: null,
          tie_weights: true,
          embeddings_initializer: init('uniform'),
          mask_zero: false,
        }),
        norms: { embeddings_initializer: 'initializer' },
      },
      mask: both({
        ...rule(
          false,
          'embedding',
          `${HUB}/token_and_position_embedding.py: supports_masking = token_embedding.supports_masking (an Embedding with mask_zero); call attaches the token embedding's mask, inputs != 0, to its output`,
        ),
        supportsMaskingFrom: 'mask_zero',
      }),
      shape: ({ inputs: [input], config }) => (input ? [...input, count(config.embedding_dim)] : null),
    },
  },
  {
    modules: KERAS_HUB,
    className: 'PositionEmbedding',
    entry: {
      library: 'keras_hub',
      signature: {
        params: ['sequence_length', 'initializer'],
        defaults: () => ({ sequence_length: null, initializer: init('glorot_uniform') }),
        norms: { initializer: 'initializer' },
      },
      mask: both(
        rule(
          false,
          'unsupported',
          `${HUB}/position_embedding.py: "This layer does not support masking" (neither supports_masking nor compute_mask)`,
        ),
      ),
      shape: sameShape,
    },
  },
  {
    modules: KERAS_HUB,
    className: 'TransformerEncoder',
    entry: {
      library: 'keras_hub',
      signature: {
        params: transformerParams,
        defaults: transformerDefaults,
        norms: { kernel_initializer: 'initializer', bias_initializer: 'initializer' },
      },
      mask: both(
        rule(
          true,
          'identity',
          `${HUB}/transformer_encoder.py: supports_masking = True; call turns the incoming mask into the attention mask (merge_padding_and_attention_mask), the default compute_mask passes it on`,
        ),
      ),
      shape: sameShape,
    },
  },
  {
    modules: KERAS_HUB,
    className: 'TransformerDecoder',
    entry: {
      library: 'keras_hub',
      signature: {
        params: transformerParams,
        defaults: transformerDefaults,
        norms: { kernel_initializer: 'initializer', bias_initializer: 'initializer' },
      },
      mask: both(
        rule(
          true,
          'identity',
          `${HUB}/transformer_decoder.py: supports_masking = True; the default compute_mask passes the decoder sequence's (first argument's) mask on`,
        ),
      ),
      shape: sameShape,
    },
  },
  {
    modules: KERAS_HUB,
    className: 'FNetEncoder',
    entry: {
      library: 'keras_hub',
      signature: {
        params: [
          'intermediate_dim',
          'dropout',
          'activation',
          'layer_norm_epsilon',
          'kernel_initializer',
          'bias_initializer',
        ],
        defaults: () => ({
          intermediate_dim: null,
          dropout: 0,
          activation: 'relu',
          layer_norm_epsilon: 1e-5,
          kernel_initializer: init('glorot_uniform'),
          bias_initializer: init('zeros'),
        }),
        norms: { kernel_initializer: 'initializer', bias_initializer: 'initializer' },
      },
      mask: both(
        rule(
          false,
          'unsupported',
          `${HUB}/f_net_encoder.py: takes no padding mask ("the padding masks are deleted" in the official FNet) and neither sets supports_masking nor overrides compute_mask`,
        ),
      ),
      shape: sameShape,
    },
  },
  {
    modules: KERAS_CONTRIB,
    className: 'CRF',
    entry: {
      library: 'keras_contrib',
      signature: {
        params: ['units', 'learn_mode', 'test_mode', 'sparse_target', 'use_boundary', 'use_bias', 'activation'],
        defaults: () => ({
          units: null,
          learn_mode: 'join',
          test_mode: null,
          sparse_target: false,
          use_boundary: true,
          use_bias: true,
          activation: 'linear',
        }),
      },
      // compute_mask returns a mask whenever one arrives (learn_mode="join": any(mask, axis=1), one per sample; "marginal": the mask).
      mask: both(
        rule(
          true,
          'identity',
          "keras_contrib/layers/crf.py: supports_masking = True; compute_mask returns K.any(mask, axis=1) in learn_mode='join' (one flag per sample) and the mask itself in 'marginal'",
        ),
      ),
      shape: ({ inputs: [input], config }) =>
        input ? [input[0] ?? null, input[1] ?? null, count(config.units)] : null,
    },
  },
  {
    modules: ADDONS,
    className: 'CRF',
    entry: {
      library: 'tensorflow_addons',
      signature: {
        params: ['units'],
        defaults: () => ({ units: null, use_boundary: true, use_kernel: true, use_bias: true, activation: 'linear' }),
      },
      mask: both(
        rule(
          true,
          'identity',
          'tensorflow_addons/layers/crf.py: supports_masking = True (set after Layer.__init__); compute_mask returns the mask, attached to the first of its four outputs (the decoded tags)',
        ),
      ),
      shape: ({ inputs: [input] }) => (input ? [input[0] ?? null, input[1] ?? null] : null),
      outputs: 4,
    },
  },
];

/** The entry of a class imported from `module`, or undefined when MaskLens does not know it. */
export function thirdPartyEntry(className: string, module: string): ThirdPartyEntry | undefined {
  return ENTRIES.find((e) => e.className === className && e.modules.test(module))?.entry;
}

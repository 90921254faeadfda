/**
 * keras.layers in keras/src/layers/preprocessing that turn text or ids into token ids:
 * TextVectorization, StringLookup, IntegerLookup. None supports masking (Keras 3.15.1 and
 * tf-keras 2.21: `supports_masking` is False) and none creates a mask; their input is text,
 * which the runtime does not read, so it refuses them with that reason.
 */
import { unsupported } from '../masking/rows';
import type { LayerEntry, ShapeCall, Shape } from './entry';

const lookupDefaults = () => ({
  invert: false,
  max_tokens: null,
  num_oov_indices: 1,
  mask_token: null,
  output_mode: 'int',
  sparse: false,
  pad_to_max_tokens: false,
  idf_weights: null,
  vocabulary: null,
  vocabulary_size: null,
  oov_method: 'floormod',
  salt: null,
});

/** In `int` mode a lookup keeps its input's shape; other modes make one vector per sample. */
function lookupShape({ inputs: [input], config }: ShapeCall): Shape | null {
  if (!input) return null;
  return config.output_mode === 'int' || config.output_mode === undefined ? [...input] : [input[0] ?? null, null];
}

export const PREPROCESSING_LAYERS = {
  TextVectorization: {
    signature: {
      params: [
        'max_tokens',
        'standardize',
        'split',
        'ngrams',
        'output_mode',
        'output_sequence_length',
        'pad_to_max_tokens',
        'vocabulary',
        'idf_weights',
        'sparse',
        'ragged',
        'encoding',
      ],
      defaults: () => ({
        max_tokens: null,
        standardize: 'lower_and_strip_punctuation',
        split: 'whitespace',
        ngrams: null,
        output_mode: 'int',
        output_sequence_length: null,
        pad_to_max_tokens: false,
        sparse: false,
        ragged: false,
        vocabulary: null,
        idf_weights: null,
        encoding: 'utf-8',
      }),
    },
    mask: unsupported('layers/preprocessing/text_vectorization.py (strings in, token ids out)'),
    shape: ({ inputs: [input], config }) => {
      const length = typeof config.output_sequence_length === 'number' ? config.output_sequence_length : null;
      return input && (config.output_mode === 'int' || config.output_mode === undefined)
        ? [input[0] ?? null, length]
        : input
          ? [input[0] ?? null, null]
          : null;
    },
  },
  StringLookup: {
    signature: {
      params: [
        'max_tokens',
        'num_oov_indices',
        'mask_token',
        'oov_token',
        'vocabulary',
        'idf_weights',
        'invert',
        'output_mode',
      ],
      defaults: () => ({ ...lookupDefaults(), oov_token: '[UNK]', encoding: 'utf-8' }),
    },
    mask: unsupported('layers/preprocessing/string_lookup.py'),
    shape: lookupShape,
  },
  IntegerLookup: {
    signature: {
      params: [
        'max_tokens',
        'num_oov_indices',
        'mask_token',
        'oov_token',
        'output_mode',
        'sparse',
        'vocabulary',
        'vocabulary_dtype',
        'idf_weights',
        'invert',
      ],
      defaults: () => ({ ...lookupDefaults(), oov_token: -1, vocabulary_dtype: 'int64' }),
    },
    mask: unsupported('layers/preprocessing/integer_lookup.py'),
    shape: lookupShape,
  },
} satisfies Record<string, LayerEntry>;

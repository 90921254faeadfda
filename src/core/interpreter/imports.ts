/**
 * Import and alias resolution. Every spelling of Keras (`keras`, `tensorflow.keras`,
 * `tf.keras`, `tf_keras`, `keras.src...`, old submodules like `keras.layers.recurrent`)
 * is folded into one canonical qualified name, so the rest of the reader asks a single
 * question: "is this `keras.layers.LSTM`?".
 */
import type { Scope } from '../objects/values';
import { ref } from '../objects/values';
import { field, named, type Syntax } from '../python/syntax';

const PREFIXES: [RegExp, string][] = [
  [/^tensorflow\.python\.keras(?=\.|$)/, 'keras'],
  [/^tensorflow\.compat\.v[12]\.keras(?=\.|$)/, 'keras'],
  [/^tensorflow\.keras(?=\.|$)/, 'keras'],
  [/^tf_keras(?=\.|$)/, 'keras'],
  [/^keras\.src(?=\.|$)/, 'keras'],
  [/^keras\.api(?:\._v2)?(?:\.keras)?(?=\.|$)/, 'keras'],
  // TensorFlow's own aliases of Keras modules: tf.losses, tf.optimizers, tf.initializers, ...
  [/^tensorflow\.(losses|optimizers|initializers|regularizers|constraints|activations|metrics)(?=\.|$)/, 'keras.$1'],
];

/** Submodules of `keras.layers` that older code imports from; the classes are the same. */
const LAYER_SUBMODULES = new Set([
  'core',
  'recurrent',
  'rnn',
  'wrappers',
  'merge',
  'merging',
  'embeddings',
  'convolutional',
  'pooling',
  'normalization',
  'regularization',
  'reshaping',
  'attention',
  'activation',
  'advanced_activations',
  'noise',
  'cudnn_recurrent',
  'recurrent_v2',
  'lstm',
  'gru',
  'simple_rnn',
  'bidirectional',
  'time_distributed',
  'dense',
  'embedding',
  'masking',
  'dropout',
  'lambda_layer',
  'input_layer',
  'batch_normalization',
  'layer_normalization',
  'concatenate',
  'add',
  'multiply',
  'average',
  'flatten',
  'reshape',
  'permute',
  'repeat_vector',
  'conv1d',
  'max_pooling1d',
  'global_average_pooling1d',
  'global_max_pooling1d',
  'spatial_dropout',
  'multi_head_attention',
  'convolutional_recurrent',
  'dense_attention',
  'local',
  'preprocessing',
  'experimental',
  'core_layers',
  'base_layer',
]);

/** Names that Keras 2 also exported from `keras.models` or `keras.engine.*` but that live in `keras.layers`. */
const LAYER_NAMES_ELSEWHERE = new Set(['Input', 'InputLayer', 'InputSpec', 'Layer']);

const canonicalCache = new Map<string, string>();

export function canonical(qual: string): string {
  let hit = canonicalCache.get(qual);
  if (hit === undefined) {
    hit = canonicalUncached(qual);
    if (canonicalCache.size < 10_000) canonicalCache.set(qual, hit);
  }
  return hit;
}

function canonicalUncached(qual: string): string {
  let q = qual;
  for (const [re, to] of PREFIXES) q = q.replace(re, to);
  const parts = q.split('.');
  if (parts[0] === 'keras' && parts[1] === 'layers' && parts.length > 3 && LAYER_SUBMODULES.has(parts[2])) {
    // keras.layers.recurrent.LSTM, keras.src.layers.rnn.lstm.LSTM → keras.layers.LSTM
    return `keras.layers.${parts[parts.length - 1]}`;
  }
  if (
    parts[0] === 'keras' &&
    (parts[1] === 'engine' || parts[1] === 'models') &&
    parts.length >= 3 &&
    LAYER_NAMES_ELSEWHERE.has(parts[parts.length - 1])
  ) {
    // keras.models.Input, keras.engine.input_layer.Input, keras.engine.topology.Layer → keras.layers.*
    return `keras.layers.${parts[parts.length - 1]}`;
  }
  if (parts[0] === 'keras' && parts[1] === 'engine' && parts.length >= 3) {
    // keras.engine.topology.Layer, keras.engine.base_layer.InputSpec → keras.layers.* (custom layers' base classes);
    // keras.engine.sequential.Sequential, keras.engine.training.Model → keras.models.*
    const last = parts[parts.length - 1];
    return last === 'Layer' || last === 'InputSpec' ? `keras.layers.${last}` : `keras.models.${last}`;
  }
  if (parts[0] === 'keras' && (parts[1] === 'models' || parts[1] === 'utils') && parts.length > 3) {
    return `keras.${parts[1]}.${parts[parts.length - 1]}`;
  }
  if (q === 'keras.preprocessing.sequence.pad_sequences' || q === 'keras_preprocessing.sequence.pad_sequences')
    return 'keras.utils.pad_sequences';
  return q;
}

export function attribute(qual: string, attr: string): string {
  return canonical(`${qual}.${attr}`);
}

export function dotted(node: Syntax): string {
  return node.text.replace(/\s+/g, '');
}

/** One item of `import a.b, c as d`: binds `a` (or the alias) to the library name. */
export function bindModuleItem(item: Syntax, scope: Scope): void {
  if (item.type === 'dotted_name') {
    const head = dotted(item).split('.')[0];
    scope.set(head, ref(canonical(head)));
  } else if (item.type === 'aliased_import') {
    const target = field(item, 'name');
    const alias = field(item, 'alias');
    if (target && alias) scope.set(alias.text, ref(canonical(dotted(target))));
  }
}

/** One item of `from module import x, y as z` (not `*`): binds the name to `module.x` of the library. */
export function bindFromItem(module: string, item: Syntax, scope: Scope): void {
  if (item.type === 'dotted_name') {
    const name = dotted(item);
    scope.set(name.split('.')[0], ref(canonical(`${module}.${name}`)));
  } else if (item.type === 'aliased_import') {
    const target = field(item, 'name');
    const alias = field(item, 'alias');
    if (target && alias) scope.set(alias.text, ref(canonical(`${module}.${dotted(target)}`)));
  }
}

/** The imported items of a `from ... import ...` statement (the module name aside). */
export function fromItems(node: Syntax): Syntax[] {
  const moduleNode = field(node, 'module_name');
  return named(node).filter((item) => !(moduleNode && (item === moduleNode || item.equals(moduleNode))));
}

/**
 * Binds the names an import statement introduces. Returns modules imported with `*` (their
 * names resolve lazily: `from keras.layers import *` makes `LSTM` mean `keras.layers.LSTM`).
 */
export function bindImport(node: Syntax, scope: Scope): string[] {
  const wildcards: string[] = [];
  if (node.type === 'import_statement') {
    for (const item of named(node)) bindModuleItem(item, scope);
    return wildcards;
  }
  if (node.type !== 'import_from_statement') return wildcards;
  const moduleNode = field(node, 'module_name');
  if (!moduleNode) return wildcards;
  const module = dotted(moduleNode).replace(/^\.+/, '');
  for (const item of fromItems(node)) {
    if (item.type === 'wildcard_import') wildcards.push(canonical(module));
    else bindFromItem(module, item, scope);
  }
  return wildcards;
}

/**
 * Imports of the user's own modules (`from .layers import MaskedConv`, `from config import *`,
 * `import data_util`, `from models.builder import build_model`), followed into the workspace
 * as a language server resolves them: relative imports from the importing module's package;
 * absolute ones from the analysed file's folder, the importing module's folder, the folder
 * above each one's package (the topmost folder with an `__init__.py`), the workspace folders
 * and their `src/`. A module found runs once, in a scope of its own (a cycle sees it half-run,
 * as Python does); libraries (Keras, TensorFlow, NumPy, the standard library, ...) are never
 * looked for. Only when the caller hands the reader its files (ParseOptions.modules); bounded
 * in depth, count and size. A project module not found stays unknown, with one located note.
 */
import { dirname, join } from 'node:path';
import type { Ctx } from '../objects/context';
import { MODULE_LIMITS, type ModuleSources } from '../objects/modules';
import { field, markForeign, named, rangeOf, type Syntax } from '../python/syntax';
import { Scope, str, unknown, type Value } from '../objects/values';
import { bindFromItem, bindImport, bindModuleItem, canonical, dotted, fromItems } from './imports';

type ModuleValue = Value & { t: 'module' };
/** Runs a module's statements in its scope (the interpreter's, handed in so this file need not import it). */
export type RunModule = (root: Syntax, scope: Scope) => void;

/** Top-level names never looked for in the workspace: Keras and its neighbours, common libraries, Python's standard library. */
const LIBRARIES = new Set([
  'keras',
  'tensorflow',
  'tf_keras',
  'numpy',
  'keras_nlp',
  'keras_hub',
  'keras_contrib',
  'tensorflow_addons',
  'tensorflow_datasets',
  'tensorflow_hub',
  'tensorflow_text',
  'keras_preprocessing',
  'keras_tuner',
  'kerastuner',
  'tfa',
  'pandas',
  'sklearn',
  'scipy',
  'matplotlib',
  'seaborn',
  'nltk',
  'gensim',
  'spacy',
  'tqdm',
  'h5py',
  'PIL',
  'cv2',
  'yaml',
  'torch',
  'transformers',
  'datasets',
  'tokenizers',
  'jieba',
  'sentencepiece',
  'wandb',
  'mlflow',
  'joblib',
  'requests',
  'bs4',
  'plotly',
  'IPython',
  'google',
  'absl',
  'jax',
  'flax',
  'optax',
  'pydot',
  'graphviz',
  'librosa',
  'soundfile',
  'skimage',
  'imageio',
  'statsmodels',
  'xgboost',
  'lightgbm',
  'tflearn',
  'theano',
  'unidecode',
  'emoji',
  'textblob',
  'pickle5',
  'dill',
  'cloudpickle',
  '__future__',
  'os',
  'sys',
  're',
  'json',
  'math',
  'random',
  'pickle',
  'time',
  'datetime',
  'collections',
  'itertools',
  'functools',
  'pathlib',
  'glob',
  'io',
  'csv',
  'argparse',
  'logging',
  'typing',
  'string',
  'shutil',
  'copy',
  'warnings',
  'unicodedata',
  'zipfile',
  'gzip',
  'tarfile',
  'urllib',
  'subprocess',
  'multiprocessing',
  'threading',
  'operator',
  'heapq',
  'bisect',
  'statistics',
  'struct',
  'hashlib',
  'base64',
  'tempfile',
  'codecs',
  'pprint',
  'textwrap',
  'enum',
  'dataclasses',
  'abc',
  'contextlib',
  'inspect',
  'traceback',
  'platform',
  'socket',
  'uuid',
  'decimal',
  'fractions',
  'configparser',
  'shelve',
  'sqlite3',
  'xml',
  'html',
  'http',
  'email',
  'queue',
  'array',
  'types',
  'weakref',
  'gc',
  'timeit',
  'unittest',
  'doctest',
  'getopt',
  'locale',
  'gettext',
  'signal',
  'errno',
  'ast',
  'builtins',
  'importlib',
  'pkgutil',
  'site',
  'distutils',
  'setuptools',
  'difflib',
]);

function isLibrary(name: string): boolean {
  return LIBRARIES.has(name.split('.')[0]);
}

/** A file's text through the caller, once per reading. */
function readFile(ctx: Ctx, sources: ModuleSources, path: string): string | null {
  const cached = ctx.moduleTexts.get(path);
  if (cached !== undefined) return cached;
  const text = sources.read(path);
  const kept = text !== null && text.length <= MODULE_LIMITS.chars ? text : null;
  ctx.moduleTexts.set(path, kept);
  return kept;
}

/** The folder above the topmost package holding `dir` (where its absolute imports start), or null when `dir` is no package. */
function packageRoot(ctx: Ctx, sources: ModuleSources, dir: string): string | null {
  let at = dir;
  let root: string | null = null;
  for (let i = 0; i < 16 && readFile(ctx, sources, join(at, '__init__.py')) !== null; i++) {
    root = dirname(at);
    if (root === at) break;
    at = root;
  }
  return root;
}

/** The module file for `parts` under `base`: `base/a/b.py` or the package `base/a/b/__init__.py`. */
function moduleFile(ctx: Ctx, sources: ModuleSources, base: string, parts: string[]): string | null {
  if (parts.length === 0) {
    const init = join(base, '__init__.py');
    return readFile(ctx, sources, init) !== null ? init : null;
  }
  for (const candidate of [`${join(base, ...parts)}.py`, join(base, ...parts, '__init__.py')]) {
    if (readFile(ctx, sources, candidate) !== null) return candidate;
  }
  return null;
}

/** Where `name` (with `level` leading dots) is, seen from the module being read; null when not in the workspace. */
function resolve(ctx: Ctx, sources: ModuleSources, name: string, level: number): string | null {
  const importer = ctx.modulePath ?? ctx.options.file;
  const parts = name === '' ? [] : name.split('.');
  if (level > 0) {
    let base = dirname(importer);
    for (let i = 1; i < level; i++) base = dirname(base);
    return moduleFile(ctx, sources, base, parts);
  }
  const entryDir = dirname(ctx.options.file);
  const importerDir = dirname(importer);
  const bases = [
    entryDir,
    importerDir,
    packageRoot(ctx, sources, entryDir),
    packageRoot(ctx, sources, importerDir),
    ...sources.roots,
    ...sources.roots.map((r) => join(r, 'src')),
  ];
  for (const base of [...new Set(bases)]) {
    if (base === null) continue;
    const hit = moduleFile(ctx, sources, base, parts);
    if (hit) return hit;
  }
  return null;
}

/** Runs a module found in the workspace, once; null when it cannot be read within the limits. */
function load(
  ctx: Ctx,
  sources: ModuleSources,
  path: string,
  name: string,
  run: RunModule,
  at: Syntax,
): ModuleValue | null {
  const known = ctx.modules.get(path);
  if (known) return known;
  if (ctx.importDepth >= MODULE_LIMITS.depth || ctx.modules.size >= MODULE_LIMITS.modules) {
    ctx.report(
      'unsupported-construct',
      'information',
      `Imports nest deeper than ${MODULE_LIMITS.depth} modules or reach more than ${MODULE_LIMITS.modules}; MaskLens stops following them here, and names from \`${name}\` stay unknown.`,
      rangeOf(at),
    );
    return null;
  }
  const text = readFile(ctx, sources, path);
  const root = text === null ? null : sources.parse(text);
  if (!root) return null;
  markForeign(root, rangeOf(at));
  const scope = new Scope(null);
  scope.set('__name__', str(name));
  const module: ModuleValue = { t: 'module', name, path, scope };
  ctx.modules.set(path, module);
  const outer = ctx.modulePath;
  ctx.modulePath = path;
  ctx.importDepth++;
  try {
    run(root, scope);
  } finally {
    ctx.importDepth--;
    ctx.modulePath = outer;
  }
  return module;
}

/** `a.b.c`: every package on the way runs, and each is its parent's attribute. Returns them, outermost first. */
function loadChain(
  ctx: Ctx,
  sources: ModuleSources,
  name: string,
  level: number,
  run: RunModule,
  at: Syntax,
): ModuleValue[] | null {
  const parts = name.split('.');
  const chain: ModuleValue[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    const path = resolve(ctx, sources, prefix, level);
    const module = path ? load(ctx, sources, path, prefix, run, at) : null;
    if (!module) return null;
    const parent = chain[chain.length - 1];
    if (parent) parent.scope.set(parts[i - 1], module);
    chain.push(module);
  }
  return chain;
}

function notFound(ctx: Ctx, name: string, at: Syntax): void {
  ctx.report(
    'unresolved-import',
    'information',
    `MaskLens cannot find the module \`${name}\` in the workspace, so the names imported from it stay unknown.`,
    rangeOf(at),
  );
}

/** `from module import x, y as z, *` for a module of the workspace. */
function fromModule(
  ctx: Ctx,
  sources: ModuleSources,
  node: Syntax,
  module: ModuleValue,
  prefix: string,
  level: number,
  run: RunModule,
  scope: Scope,
): void {
  for (const item of fromItems(node)) {
    if (item.type === 'wildcard_import') {
      const all = module.scope.get('__all__');
      const names =
        all?.t === 'seq'
          ? all.items.flatMap((v) => (v.t === 'str' ? [v.v] : []))
          : module.scope.names().filter((n) => !n.startsWith('_'));
      for (const n of names) {
        const v = module.scope.get(n);
        if (v !== undefined) scope.set(n, v);
      }
      continue;
    }
    const target = item.type === 'aliased_import' ? field(item, 'name') : item;
    const alias = item.type === 'aliased_import' ? (field(item, 'alias')?.text ?? null) : null;
    if (!target) continue;
    const name = dotted(target);
    // A name the module defines, else a submodule of the package (`from . import layers`).
    let value = module.scope.get(name);
    if (value === undefined) {
      const sub = resolve(ctx, sources, prefix === '' ? name : `${prefix}.${name}`, level);
      value =
        (sub ? load(ctx, sources, sub, `${module.name}.${name}`, run, node) : null) ?? unknown(name, rangeOf(item));
    }
    scope.set(alias ?? name.split('.')[0], value);
  }
}

/** An import statement: the user's own modules are read; everything else binds library names as before. */
export function execImport(ctx: Ctx, node: Syntax, scope: Scope, run: RunModule): void {
  const sources = ctx.options.modules;
  if (!sources) {
    ctx.wildcards.push(...bindImport(node, scope));
    return;
  }
  if (node.type === 'import_statement') {
    for (const item of named(node)) {
      const target = item.type === 'aliased_import' ? field(item, 'name') : item;
      const name = target ? dotted(target) : '';
      if (!target || isLibrary(name)) {
        bindModuleItem(item, scope);
        continue;
      }
      const chain = loadChain(ctx, sources, name, 0, run, node);
      if (!chain) {
        notFound(ctx, name, item);
        bindModuleItem(item, scope);
      } else if (item.type === 'aliased_import') {
        const alias = field(item, 'alias')?.text;
        if (alias) scope.set(alias, chain[chain.length - 1]);
      } else scope.set(name.split('.')[0], chain[0]);
    }
    return;
  }
  const moduleNode = field(node, 'module_name');
  if (!moduleNode) return;
  const text = dotted(moduleNode);
  const level = /^\.*/.exec(text)?.[0].length ?? 0;
  const name = text.slice(level);
  if (level === 0 && isLibrary(name)) {
    ctx.wildcards.push(...bindImport(node, scope));
    return;
  }
  const path = resolve(ctx, sources, name, level);
  const chain = path && level === 0 && name !== '' ? loadChain(ctx, sources, name, 0, run, node) : null;
  const module = chain ? chain[chain.length - 1] : path ? load(ctx, sources, path, name || '.', run, node) : null;
  if (!module) {
    notFound(ctx, text, moduleNode);
    const library = canonical(name);
    for (const item of fromItems(node)) if (item.type !== 'wildcard_import') bindFromItem(library, item, scope);
    return;
  }
  fromModule(ctx, sources, node, module, name, level, run, scope);
}

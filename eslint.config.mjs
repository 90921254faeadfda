// Lints the TypeScript sources; the architecture rules below keep the layers honest, for
// package imports and relative ones alike: src/core stays pure, only src/worker loads tfjs,
// only src/extension imports vscode, no layer reaches into the ones that sit above it, and
// inside src/core the Python reader's stages import only the stages before them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TFJS = ['@tensorflow/tfjs-node', '@tensorflow/tfjs'];

/** Forbids the named packages and any relative import into the named source folders (but the modules in `allow`). */
const restrict = (message, { packages = [], folders = [], allow = [] }) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: packages.map((name) => ({ name, message })),
      patterns: folders.length
        ? [{ group: [...folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]), ...allow.map((m) => `!**/${m}`)], message }]
        : [],
    },
  ],
});

/** Several restrictions on the same files: a later config's options for a rule replace an earlier one's rather than add to them. */
const together = (...rules) => {
  const options = rules.map((r) => r['no-restricted-imports'][1]);
  return {
    'no-restricted-imports': [
      'error',
      { paths: options.flatMap((o) => o.paths), patterns: options.flatMap((o) => o.patterns) },
    ],
  };
};

const CORE_PURE = restrict(
  'src/core is pure: no vscode, no tfjs, nothing from the processes, threads or views built on it.',
  {
    packages: ['vscode', ...TFJS],
    folders: ['extension', 'worker', 'pool', 'cli', 'analysisProcess', 'runtimeProcess', 'webview'],
  },
);

// The Python reader's stages in src/core, in the order the data flows through them. Each
// imports only the stages before it, and the two library stubs (keras, numpy) not each other;
// the rest of src/core (IR types, layer entries, mask rules, graph, protocol, data readers)
// sits below them all.
const READER_STAGES = ['python', 'objects', 'keras', 'numpy', 'interpreter', 'reader', 'analysis'];
const STAGE_RULES = {
  python: 'src/core/python is the Python syntax: it knows nothing of the reading built on it.',
  objects:
    "src/core/objects is the reader's vocabulary (values, Keras objects, per-file state, the Evaluator interface): it builds on the syntax only.",
  keras:
    'src/core/keras holds the Keras stubs: they reach the interpreter only through objects/evaluator.ts, and the NumPy stub not at all.',
  numpy:
    'src/core/numpy holds the NumPy stub: it reaches the interpreter only through objects/evaluator.ts, and the Keras stubs not at all.',
  interpreter: 'src/core/interpreter runs Python over the stubs; IR emission and the analysis sit above it.',
  reader: 'src/core/reader writes the IR and runs the reading; the analysis sits above it.',
};
/** What a stage may not import: the stages after it (and, for the NumPy stub, the Keras stubs beside it). */
const laterStages = (stage) => [
  ...(stage === 'numpy' ? ['keras'] : []),
  ...READER_STAGES.slice(READER_STAGES.indexOf(stage) + 1),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      '.venv/**',
      '.cache/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: together(
      CORE_PURE,
      restrict(
        'The rest of src/core sits below the Python reader and the analysis: IR types, layer entries, mask rules, graph, protocol and data readers import none of their stages.',
        {
          folders: READER_STAGES,
        },
      ),
    ),
  },
  ...Object.entries(STAGE_RULES).map(([stage, message]) => ({
    files: [`src/core/${stage}/**/*.ts`],
    rules: together(CORE_PURE, restrict(message, { folders: laterStages(stage) })),
  })),
  {
    files: ['src/core/analysis/**/*.ts'],
    rules: CORE_PURE,
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: restrict(
      'src/worker runs TensorFlow in pool threads: no vscode, nothing of the host, the CLI or the views.',
      {
        packages: ['vscode'],
        folders: ['extension', 'cli', 'analysisProcess', 'runtimeProcess', 'webview'],
      },
    ),
  },
  {
    files: ['src/pool/**/*.ts', 'src/runtimeProcess/**/*.ts', 'src/analysisProcess/**/*.ts'],
    rules: restrict(
      'Processes and the pool load neither vscode nor tfjs (only worker threads load TensorFlow), and know nothing of the host or views.',
      {
        packages: ['vscode', ...TFJS],
        folders: ['extension', 'cli', 'webview'],
      },
    ),
  },
  {
    files: ['src/tensorflow/**/*.ts'],
    rules: restrict(
      'src/tensorflow finds and downloads the TensorFlow C library for whoever starts the runtime process (the extension host, the CLI): no vscode, no tfjs.',
      {
        packages: ['vscode', ...TFJS],
        folders: ['extension', 'cli', 'webview', 'worker', 'pool', 'analysisProcess', 'runtimeProcess'],
      },
    ),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict(
      'The extension host only does UI: no tfjs, no Python parsing; it reaches TensorFlow and the analysis only through their processes (the worker pool lives in the runtime process; the analysis process is asked through src/analysisProcess/client.ts).',
      {
        packages: [...TFJS, 'piscina', 'web-tree-sitter'],
        folders: [
          'worker',
          'cli',
          'webview',
          'pool/pool',
          'pool/threads',
          ...READER_STAGES.map((stage) => `core/${stage}`),
          'analysisProcess/*',
        ],
        allow: ['analysisProcess/client'],
      },
    ),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: restrict('The CLI runs without VS Code and loads TensorFlow only through src/worker.', {
      packages: ['vscode', ...TFJS],
      folders: ['extension', 'webview'],
    }),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict('Webviews talk to the host only through the typed messages of src/core/protocol.', {
      packages: ['vscode', ...TFJS],
      folders: ['extension', 'worker', 'pool', 'cli', 'analysisProcess', 'runtimeProcess'],
    }),
  },
);

// Lints the TypeScript sources; the architecture rules below keep the layers honest, for
// package imports and relative ones alike: src/core stays pure, only src/worker loads tfjs,
// only src/extension imports vscode, and no layer reaches into the ones that sit above it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TFJS = ['@tensorflow/tfjs-node', '@tensorflow/tfjs'];

/** Forbids the named packages and any relative import into the named source folders. */
const restrict = (message, { packages = [], folders = [] }) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: packages.map((name) => ({ name, message })),
      patterns: folders.length ? [{ group: folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]), message }] : [],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.venv/**', '.cache/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
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
    rules: restrict('src/core is pure: no vscode, no tfjs, nothing from the processes, threads or views built on it.', {
      packages: ['vscode', ...TFJS],
      folders: ['extension', 'worker', 'pool', 'cli', 'analysisProcess', 'runtimeProcess', 'webview'],
    }),
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: restrict('src/worker runs TensorFlow in pool threads: no vscode, nothing of the host, the CLI or the views.', {
      packages: ['vscode'],
      folders: ['extension', 'cli', 'analysisProcess', 'runtimeProcess', 'webview'],
    }),
  },
  {
    files: ['src/pool/**/*.ts', 'src/runtimeProcess/**/*.ts', 'src/analysisProcess/**/*.ts'],
    rules: restrict('Processes and the pool load neither vscode nor tfjs (only worker threads load TensorFlow), and know nothing of the host or views.', {
      packages: ['vscode', ...TFJS],
      folders: ['extension', 'cli', 'webview'],
    }),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict('The extension host only does UI: no tfjs, and it reaches TensorFlow and the analysis only through their processes (the worker pool lives in the runtime process).', {
      packages: [...TFJS, 'piscina'],
      folders: ['worker', 'cli', 'webview', 'pool/pool', 'pool/threads'],
    }),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: restrict('The CLI runs without VS Code and loads TensorFlow only through src/worker.', { packages: ['vscode', ...TFJS], folders: ['extension', 'webview'] }),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict('Webviews talk to the host only through the typed messages of src/core/protocol.', {
      packages: ['vscode', ...TFJS],
      folders: ['extension', 'worker', 'pool', 'cli', 'analysisProcess', 'runtimeProcess'],
    }),
  },
);

// Lints the TypeScript sources; the architecture rules below keep the layers honest:
// src/core stays pure, only src/worker loads tfjs, only src/extension imports vscode, and the
// extension host leaves Python to the analysis process.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (paths, message, patterns = []) => ({
  'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message })), patterns }],
});

// The extension host only does UI: Python is parsed and analysed in the analysis process.
const analysisOffTheHost = [
  { group: ['**/core/python/**', '**/core/analysis', '**/core/analysis/**', '**/analysisProcess/*', '!**/analysisProcess/client'], message: 'The extension host does not analyse Python: ask the analysis process (src/analysisProcess/client.ts).' },
];

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
  { files: ['src/core/**/*.ts'], rules: restrict(['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs'], 'src/core is pure: no vscode, no tfjs.') },
  { files: ['src/cli/**/*.ts', 'webview/**/*.ts'], rules: restrict(['@tensorflow/tfjs-node', '@tensorflow/tfjs'], 'Only src/worker loads tfjs.') },
  { files: ['src/extension/**/*.ts'], rules: restrict(['@tensorflow/tfjs-node', '@tensorflow/tfjs', 'web-tree-sitter'], 'Only src/worker loads tfjs; only the analysis process parses Python.', analysisOffTheHost) },
  { files: ['src/worker/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts'], rules: restrict(['vscode'], 'Only src/extension imports vscode.') },
  { files: ['src/analysisProcess/**/*.ts'], rules: restrict(['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs'], 'The analysis process is plain Node: no vscode, no tfjs.') },
);

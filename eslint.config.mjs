// Lints the TypeScript sources; the architecture rules below keep the layers honest:
// src/core stays pure, only src/worker loads tfjs, only src/extension imports vscode.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (paths, message) => ({
  'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message })) }],
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
  { files: ['src/core/**/*.ts'], rules: restrict(['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs'], 'src/core is pure: no vscode, no tfjs.') },
  { files: ['src/extension/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts'], rules: restrict(['@tensorflow/tfjs-node', '@tensorflow/tfjs'], 'Only src/worker loads tfjs.') },
  { files: ['src/worker/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts'], rules: restrict(['vscode'], 'Only src/extension imports vscode.') },
);

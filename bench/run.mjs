// `npm run bench`: build dist/ (the pool runs dist/worker.js, W2 runs dist/runtime.js and dist/cli.js), then run
// the TypeScript harness through tsx. A benchmark, not a test: it is not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step([join(root, 'tools', 'build.mjs')]);
step(['--import', 'tsx', join(root, 'bench', 'harness', 'main.ts')]);

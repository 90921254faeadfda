/**
 * Restricted Mode's file access: only inside the workspace folders or files the user picked,
 * checked on the opened file; a path raced between an inside and an outside target never
 * yields the outside file's bytes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { DataError } from '../../src/core/data/errors';
import type { FileAccess } from '../../src/core/protocol/runtimeTasks';
import { openForReading, readAll } from '../../src/worker/fileAccess';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'masklens-access-')));
const workspace = join(base, 'workspace');
const outside = join(base, 'outside');
mkdirSync(workspace);
mkdirSync(outside);
writeFileSync(join(workspace, 'x.npy'), 'INSIDE');
writeFileSync(join(workspace, '..x.npy'), 'DOTS');
writeFileSync(join(outside, 'secret.npy'), 'SECRET');
writeFileSync(join(outside, 'picked.npy'), 'PICKED');
symlinkSync(join(outside, 'secret.npy'), join(workspace, 'link-out.npy'));
const restricted: FileAccess = { mode: 'restricted', roots: [workspace], picked: [join(outside, 'picked.npy')] };

function read(path: string, access: FileAccess): string {
  const file = openForReading(path, access, 'x');
  try {
    return Buffer.from(readAll(file)).toString();
  } finally {
    file.close();
  }
}

const refused = (e: unknown) =>
  e instanceof DataError && e.code === 'data-access' && /Restricted Mode/.test(e.message) && !/SECRET/.test(e.message);

test('trusted: any file', () => {
  assert.equal(read(join(outside, 'secret.npy'), { mode: 'trusted' }), 'SECRET');
});

test('restricted: files inside the workspace, `..x.npy` included, and picked files; nothing else', () => {
  assert.equal(read(join(workspace, 'x.npy'), restricted), 'INSIDE');
  assert.equal(read(join(workspace, '..x.npy'), restricted), 'DOTS');
  assert.equal(read(join(outside, 'picked.npy'), restricted), 'PICKED');
  assert.throws(() => read(join(outside, 'secret.npy'), restricted), refused);
  assert.throws(
    () => read(join(workspace, 'link-out.npy'), restricted),
    refused,
    'a symlink inside that points outside',
  );
  assert.throws(() => read(join(workspace, '..', 'outside', 'secret.npy'), restricted), refused);
});

test('restricted without a workspace folder: only picked files', () => {
  const none: FileAccess = { mode: 'restricted', roots: [], picked: [join(outside, 'picked.npy')] };
  assert.equal(read(join(outside, 'picked.npy'), none), 'PICKED');
  assert.throws(() => read(join(workspace, 'x.npy'), none), refused);
});

test('a path raced between an inside and an outside target never reads the outside file', async () => {
  // A second thread swaps `raced.npy` between a symlink to the inside file and one to the secret as fast as it can.
  const raced = join(workspace, 'raced.npy');
  symlinkSync(join(workspace, 'x.npy'), raced);
  symlinkSync(join(workspace, 'x.npy'), join(workspace, 'a.tmp'));
  symlinkSync(join(outside, 'secret.npy'), join(workspace, 'b.tmp'));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const racer = new Worker(
    `const { renameSync, symlinkSync } = require('node:fs');
     const { workerData: { dir, inside, secret, stop } } = require('node:worker_threads');
     const flag = new Int32Array(stop);
     let n = 0;
     while (Atomics.load(flag, 0) === 0) {
       const tmp = dir + '/swap-' + (n++) + '.tmp';
       symlinkSync(n % 2 ? secret : inside, tmp);
       renameSync(tmp, dir + '/raced.npy');
     }`,
    {
      eval: true,
      workerData: {
        dir: workspace,
        inside: join(workspace, 'x.npy'),
        secret: join(outside, 'secret.npy'),
        stop: stop.buffer,
      },
    },
  );
  const counts = { inside: 0, refused: 0, outside: 0, other: 0 };
  const started = Date.now();
  try {
    for (let i = 0; i < 20_000 && Date.now() - started < 20_000; i++) {
      try {
        const text = read(raced, restricted);
        if (text === 'INSIDE') counts.inside++;
        else if (text === 'SECRET') counts.outside++;
        else counts.other++;
      } catch (e) {
        if (refused(e) || (e instanceof DataError && e.code === 'data-missing')) counts.refused++;
        else throw e;
      }
    }
  } finally {
    Atomics.store(stop, 0, 1);
    await racer.terminate();
  }
  console.log(`[masklens-measure] restrictedModeRace: ${JSON.stringify(counts)}`);
  assert.equal(counts.outside, 0, `the secret was read ${counts.outside} times`);
  assert.ok(counts.inside > 0 && counts.refused > 0, `the race did not alternate: ${JSON.stringify(counts)}`);
});

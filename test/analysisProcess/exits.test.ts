/**
 * How the death of the analysis process is put into words, from what V8 really printed before it
 * aborted (stderr/: captured from Node 20 reading the list-doubling file in a worker thread with
 * a 4 GB and a 512 MB heap cap).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeExit } from '../../src/analysisProcess/exits';

const stderr = (name: string) => readFileSync(join(__dirname, 'stderr', name), 'utf8');

test('an invalid-size CHECK is a crash named after the V8 fatal error', () => {
  assert.deepEqual(describeExit(null, 'SIGTRAP', stderr('invalid-size.txt')), {
    reason: 'crash',
    why: 'the analysis process crashed (V8 fatal error: invalid size error 184320043, signal SIGTRAP)',
  });
});

test('reaching the heap limit is running out of memory', () => {
  assert.deepEqual(describeExit(null, 'SIGABRT', stderr('heap-limit.txt')), {
    reason: 'memory',
    why: 'ran out of memory (the analysis process crashed: JavaScript heap out of memory, signal SIGABRT)',
  });
});

test('a death without a word on stderr names its signal or exit code', () => {
  assert.deepEqual(describeExit(null, 'SIGSEGV', ''), {
    reason: 'crash',
    why: 'the analysis process crashed (signal SIGSEGV)',
  });
  assert.deepEqual(describeExit(3, null, 'some unrelated log line\n'), {
    reason: 'crash',
    why: 'the analysis process crashed (exit code 3)',
  });
});

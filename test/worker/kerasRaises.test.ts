/**
 * Where a Keras release itself fails on a model, the runtime run under that release's rules
 * fails alike, with the sentence the analysis gives, and the releases around it run the model.
 * (Which releases fail is checked against real Keras by the version sweep's goldens.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { UserFacingError } from '../../src/core/protocol/task';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { analyze, model } from '../core/helpers';
import { ctx } from './helpers';

const SOURCE = readFileSync(join(__dirname, '..', 'golden', 'corpus', 'c16_concatenate_two_masks.py'), 'utf8');

async function evaluateUnder(kerasVersion: string) {
  const a = await analyze(SOURCE, 'keras3', { kerasVersion });
  const m = model(a, 'model');
  return {
    analysis: m.diagnostics.filter((d) => d.code === 'keras-raises-concatenate-mask').map((d) => d.message),
    run: runTask(
      {
        kind: 'evaluate',
        model: runtimeModelOf(m.ir),
        family: 'keras3',
        kerasVersion,
        data: { source: 'synthetic', samples: 2, minLength: 1, maxLength: 0, padding: 'post', seed: 1, timesteps: 5 },
      },
      ctx,
    ),
  };
}

test('Keras 3.4-3.11 fail on a Concatenate mask an LSTM takes: the run fails alike, with the analysis sentence; 3.3 and 3.12 run it', async () => {
  for (const version of ['3.4.0', '3.11.3']) {
    const { analysis, run } = await evaluateUnder(version);
    assert.equal(analysis.length, 1, `${version}: ${analysis.join(' | ')}`);
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof UserFacingError, String(e));
      assert.equal(e.code, 'keras-raises');
      assert.ok(analysis[0].startsWith(e.message), `${e.message}\nvs\n${analysis[0]}`);
      assert.match(
        e.message,
        new RegExp(`^Keras ${version.replace(/\./g, '\\.')} fails when this model runs: \`lstm\``),
      );
      return true;
    });
  }
  for (const version of ['3.3.3', '3.12.4']) {
    const { analysis, run } = await evaluateUnder(version);
    assert.deepEqual(analysis, [], version);
    const r = await run;
    assert.equal(r.kind, 'evaluate', version);
  }
});

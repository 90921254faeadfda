/** Failures located in the user's file, and two runs side by side. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber } from '../../src/core/format';
import type { RunSummary } from '../../src/core/protocol/viewMessages';
import { describeFailure, type LocatedModel } from '../../src/core/runs/failure';
import { compareRuns, RUN_HISTORY, RunHistory } from '../../src/core/runs/history';

const at = (line: number, character = 0) => ({ start: { line, character }, end: { line, character: character + 5 } });
const model: LocatedModel = {
  range: at(3),
  layers: [
    { name: 'embedding', range: at(4, 4) },
    { name: 'lstm', range: at(5, 4) },
  ],
};

test('a failure the runtime puts on a layer points at that layer, with Go to line first', () => {
  const f = describeFailure(
    { message: "layer 'lstm' (LSTM) failed: boom", code: 'layer-failed', location: 'lstm' },
    model,
  );
  assert.deepEqual(f.location, { line: 5, character: 4, layer: 'lstm' });
  assert.deepEqual(f.actions, ['goToLine', 'selectData', 'showLog']);
});

test('a data failure located at a role finds the layer its message names, and offers other data first', () => {
  const f = describeFailure(
    {
      message: "x: token id 50 at [0, 2] is outside Embedding 'embedding''s vocabulary [0, 10)",
      code: 'data-range',
      location: 'x',
    },
    model,
  );
  assert.deepEqual(f.location, { line: 4, character: 4, layer: 'embedding' });
  assert.equal(f.actions[0], 'selectData');
});

test('a failure that names no layer points at the model', () => {
  const f = describeFailure({ message: 'the analysis process is gone' }, model);
  assert.deepEqual(f.location, { line: 3, character: 0 });
});

function run(runId: string, masked: number, maskReachesLoss: boolean, version: number): RunSummary {
  return {
    runId,
    task: 'evaluate',
    at: 0,
    version,
    data: 'synthetic: 8 samples (seed 42)',
    weights: 'seed 42',
    keras: 'keras3 3.15.1',
    loss: 'mae',
    masked,
    unmasked: 0.9,
    paddingShare: 0.3,
    maskReachesLoss,
    droppedBy: maskReachesLoss ? [] : ['lambda'],
  };
}

test('two runs side by side mark what changed and nothing else', () => {
  const rows = compareRuns(run('a', 0.789, false, 1), run('b', 0.512, true, 2), formatNumber);
  const changed = rows.filter((r) => r.differs).map((r) => r.label);
  assert.deepEqual(changed, ['File version', 'Mask reaches the loss', 'Mask dropped by', 'Masked loss (valid-mean)']);
  assert.equal(rows.find((r) => r.label === 'Masked loss (valid-mean)')?.after, '0.512');
});

test('the history keeps the newest runs of each model', () => {
  const history = new RunHistory();
  for (let i = 0; i < RUN_HISTORY + 5; i++) history.add('m', run(String(i), i, true, i));
  const kept = history.get('m');
  assert.equal(kept.length, RUN_HISTORY);
  assert.equal(kept[0].runId, '5');
  assert.equal(history.get('other').length, 0);
});

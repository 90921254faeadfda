/**
 * The model graph in the real VS Code: a two-input model whose masked branch (an Embedding
 * with mask_zero) and unmasked branch (a Dense over features) meet in a Concatenate. Every edge
 * says whether it carries a mask; the graph follows an edit of the file; a click on a layer
 * shows its line.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RenderedGraph } from '../../src/extension/graphPanel';
import { activateExtension, browserAction, openScratch, screenshot, waitForEvent } from './harness';
import type { AxeContrast } from './screenshot';

const BRANCHING = `from keras import Input, Model
from keras.layers import Embedding, Dense, Concatenate, LSTM

tokens = Input(shape=(12,), name='tokens')
feats = Input(shape=(12, 3), name='feats')
e = Embedding(50, 8, mask_zero=True, name='embed')(tokens)
f = Dense(8, name='project')(feats)
x = Concatenate(name='merge')([e, f])
x = LSTM(16, return_sequences=True, name='lstm')(x)
out = Dense(1, name='out')(x)
model = Model([tokens, feats], out)
model.compile(loss='mse', optimizer='adam')
`;

suite('Model graph', () => {
  test('a branching two-input model: every edge says whether it carries a mask; edits redraw it; a click shows the line', async () => {
    const api = await activateExtension();
    try {
      await drawAndFollow(api);
    } finally {
      api.graph.close(); // the suites after this one check contrast in every open webview
    }
  });
});

async function drawAndFollow(api: Awaited<ReturnType<typeof activateExtension>>): Promise<void> {
  const editor = await openScratch('branching.py', BRANCHING);
  const uri = editor.document.uri;
  const first = waitForEvent<RenderedGraph>(api.graph.onDidRender, (r) => r.nodes > 0, 60_000, 'the graph');
  await vscode.commands.executeCommand('masklens.showGraph', uri, 'model');
  const drawn = await first;
  assert.equal(drawn.nodes, 7, drawn.text);
  assert.equal(drawn.edges, 7, `six calls and the loss: ${drawn.text}`);
  // the Embedding's mask travels into the merge, the Dense over features brings none, and the
  // merged mask reaches the loss (Keras 3 merges masks, treating a missing one as all true)
  for (const line of [
    'tokens → embed: no mask',
    'embed → merge: mask',
    'feats → project: no mask',
    'project → merge: no mask',
    'merge → lstm: mask',
    'lstm → out: mask',
    'out → loss: mask',
  ])
    assert.ok(drawn.text.split('\n').includes(line), `missing "${line}" in:\n${drawn.text}`);
  // the merge keeps a timestep if any part is valid: the finding says the mask is all-true there
  assert.match(drawn.text, /^A mask reaches the loss: .* One finding below\./);
  await screenshot('graph-1-branching-model');
  const contrast = (await browserAction<AxeContrast[]>('graph-axe', { kind: 'axe' })) ?? [];
  const violations = contrast.flatMap((r) => r.violations.map((v) => `${v.target} — ${v.summary}`));
  assert.ok(contrast.length > 0, 'axe saw no webview');
  assert.deepEqual(violations, [], 'contrast below WCAG AA in the graph');

  // an edit that drops the mask before the loss: the graph follows the file
  const redrawn = waitForEvent<RenderedGraph>(
    api.graph.onDidRender,
    (r) => r.text.includes('out → loss: no mask'),
    60_000,
    'the graph after the edit',
  );
  const at = editor.document.getText().indexOf("x = LSTM(16, return_sequences=True, name='lstm')(x)");
  await editor.edit((b) =>
    b.replace(
      new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at)),
      "x = Dense(8, name='plain')(feats)\n",
    ),
  );
  const after = await redrawn;
  assert.ok(after.text.split('\n').includes('plain → lstm: no mask'), after.text);
  await screenshot('graph-2-after-edit');

  // a layer is a button: clicking it shows its line in the source
  await browserAction('graph-click-lstm', { kind: 'click-webview', selector: '.gr-node[aria-label^="lstm,"]' });
  const deadline = Date.now() + 10_000;
  let line = -1;
  while (Date.now() < deadline) {
    const active = vscode.window.activeTextEditor;
    if (active?.document.uri.toString() === uri.toString()) line = active.selection.active.line;
    if (line === 9) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(line, 9, 'the click did not show the LSTM line');
}

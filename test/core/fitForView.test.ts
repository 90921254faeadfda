/** What the host sends a webview always fits the schema the webview checks it against: shortened, never refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitModelSummaries, fitResultSources, shorten } from '../../src/core/protocol/fitForView';
import { hostMessageSchema, VIEW_LIMITS, type ModelSummary } from '../../src/core/protocol/viewMessages';

function model(name: string, layers: number, layerName: (i: number) => string, diagnostics = 1): ModelSummary {
  return {
    name,
    kind: 'functional',
    line: 3,
    loss: 'mse',
    lossMasked: 'yes',
    outputPerTimestep: true,
    layers: Array.from({ length: layers }, (_, i) => ({ name: layerName(i), className: 'Dense', in: 'yes' as const, out: 'yes' as const, effect: 'propagates' as const, line: i })),
    diagnostics: Array.from({ length: diagnostics }, (_, i) => ({ code: 'mask-destroyed', severity: 'warning' as const, message: 'x'.repeat(5000), line: i })),
    lastResult: null,
  };
}

test('shorten keeps both ends and the limit', () => {
  assert.equal(shorten('abc', 5), 'abc');
  const s = shorten('a'.repeat(10) + 'MIDDLE' + 'z'.repeat(10), 11);
  assert.equal(s.length, 11);
  assert.match(s, /^a{5}…z{5}$/);
});

test('a 300-character layer name, 2,500 layers, 600 findings and 250 models fit the side view message', () => {
  const long = 'layer_' + 'n'.repeat(300);
  const models = Array.from({ length: 250 }, (_, i) => model(`model_${i}`, i === 0 ? 2500 : 3, (j) => (j === 0 ? long : `dense_${j}`), i === 0 ? 600 : 1));
  const raw = { type: 'models' as const, file: 'big.py', keras: 'Keras 3.15.1', models };
  assert.equal(hostMessageSchema.safeParse(raw).success, false, 'unfitted, the webview would drop it');
  const fitted = { type: 'models' as const, file: 'big.py', keras: 'Keras 3.15.1', ...fitModelSummaries(models) };
  const parsed = hostMessageSchema.safeParse(fitted);
  assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
  assert.equal(fitted.models.length, VIEW_LIMITS.models);
  assert.equal(fitted.modelsOmitted, 50);
  const first = fitted.models[0];
  assert.equal(first.layers.length, VIEW_LIMITS.layers);
  assert.equal(first.layersOmitted, 500);
  assert.equal(first.diagnosticsOmitted, 100);
  assert.equal(first.layers[0].name.length, VIEW_LIMITS.label);
  assert.equal(first.layers[0].title, `${long} (Dense)`, 'the full name stays in the tooltip');
  assert.equal(first.layers[1].title, undefined, 'short names need no tooltip');
});

test("a result's sources fit too", () => {
  const sources = fitResultSources({ file: 'm.py', layers: Array.from({ length: 3000 }, (_, i) => ({ name: 'l'.repeat(i === 0 ? 5000 : 5), start: { line: i, character: 0 }, end: { line: i, character: 1 } })) });
  const parsed = hostMessageSchema.safeParse({ type: 'result', task: 'evaluate', payload: {}, sources });
  assert.ok(parsed.success);
  assert.equal(sources.layers.length, VIEW_LIMITS.layers);
});

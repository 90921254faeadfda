/** What the host sends the panel always fits the schema the webview checks it against: shortened, never refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitResultSources, shorten } from '../../src/core/protocol/fitForView';
import { hostMessageSchema, VIEW_LIMITS } from '../../src/core/protocol/viewMessages';

test('shorten keeps both ends and the limit', () => {
  assert.equal(shorten('abc', 5), 'abc');
  const s = shorten('a'.repeat(10) + 'MIDDLE' + 'z'.repeat(10), 11);
  assert.equal(s.length, 11);
  assert.match(s, /^a{5}…z{5}$/);
});

test("a result's sources fit too", () => {
  const sources = fitResultSources({
    file: 'm.py',
    layers: Array.from({ length: 3000 }, (_, i) => ({
      name: 'l'.repeat(i === 0 ? 5000 : 5),
      start: { line: i, character: 0 },
      end: { line: i, character: 1 },
    })),
  });
  const parsed = hostMessageSchema.safeParse({ type: 'result', task: 'evaluate', payload: {}, sources });
  assert.ok(parsed.success);
  assert.equal(sources.layers.length, VIEW_LIMITS.layers);
});

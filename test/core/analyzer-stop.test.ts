/**
 * The analyzer's `shouldStop`: asked while tree-sitter parses and while the interpreter reads,
 * it abandons the analysis with AnalysisStopped, and the analyzer is as good as new afterwards.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAnalyzer } from '../../src/core/analysis/analyzer';
import { AnalysisStopped } from '../../src/core/objects/context';
import { modelsWithFiller, TYPED_MODEL, typingLine } from '../analysisProcess/texts';

const SEED001 = readFileSync(join(__dirname, '..', '..', 'examples', 'seed001_embedding_dense_mse.py'), 'utf8');

/** Six models with comment filler between them, a line half typed (its bracket open), and the line complete. */
function halfAndFullyTyped(): { half: string; full: string } {
  const text = modelsWithFiller(6);
  const lines = text.split('\n');
  const line = typingLine(text);
  lines[line] = TYPED_MODEL.slice(0, 20);
  const half = lines.join('\n');
  lines[line] = TYPED_MODEL;
  return { half, full: lines.join('\n') };
}

test('stopped at any point (parse, statement-by-statement re-parse, reading), the analyzer is as good as new for the next analysis', async () => {
  const analyzer = await createAnalyzer();
  try {
    const { half, full } = halfAndFullyTyped();
    let points = 0;
    analyzer.analyze(half, { file: 'count.py', shouldStop: () => (points++, false) });
    assert.ok(points > 50, `only ${points} points to stop at`);
    const expected = analyzer.analyze(full, { file: 'expected.py' });
    assert.equal(expected.models.length, 7);
    const spoiled: number[] = [];
    for (let k = 1; k <= points; k++) {
      let asked = 0;
      // tree-sitter resumes a stopped parse on the parser's next call, whatever the text, unless the parser is reset
      assert.throws(
        () => analyzer.analyze(half, { file: `stop-${k}.py`, shouldStop: () => ++asked >= k }),
        AnalysisStopped,
      );
      const next = analyzer.analyze(full, { file: `stop-${k}.py` });
      if (JSON.stringify(next.models) !== JSON.stringify(expected.models)) spoiled.push(k);
    }
    assert.deepEqual(spoiled, [], `stopping at these points spoiled the next analysis`);
  } finally {
    analyzer.dispose();
  }
});

test('a stop while reading throws AnalysisStopped; the same text then analyses in full', async () => {
  const analyzer = await createAnalyzer();
  try {
    let reading = false;
    const shouldStop = () => (reading = reading || new Error().stack?.includes('parseTree') === true);
    assert.throws(() => analyzer.analyze(SEED001.repeat(20), { file: 'big.py', shouldStop }), AnalysisStopped);
    assert.ok(reading, 'it was not the reading that was stopped');
    const again = analyzer.analyze(SEED001.repeat(20), { file: 'big.py' });
    assert.equal(again.models.length, 20);
  } finally {
    analyzer.dispose();
  }
});

/**
 * MaskLens' score on the real-world corpus: Keras code written the way published projects,
 * keras.io examples and tutorials write it (test/realworld/sources), measured against what
 * real Keras 3.15.1 and tf-keras 2.21 do with it (goldens from the runnable copies).
 * MaskLens reads the corpus files themselves, never the runnable copies.
 *
 * How each number is counted, per Keras family:
 * - models: every model Keras built from the file (a variable, a function's local, an
 *   object's attribute; not a block inside a custom layer). Found: MaskLens reports a model
 *   matched by name (match.ts).
 * - layers: the top-level layers of those models (`model.layers`) except InputLayer; found by
 *   name, else by class in order.
 * - layer mask verdicts: one per top-level layer Keras called in its eager run on padded
 *   data (not InputLayer): does a mask leave the layer? It agrees when MaskLens finds the
 *   layer and says the same. A layer whose outgoing mask MaskLens says it cannot know (its own
 *   class unknown, or one upstream) counts as `unknown`, a layer it does not find as
 *   `missing`; neither agrees. "Mask reaches the loss" said to be unknown does not agree either.
 * - mask reaches the loss: Keras' model output carries a mask (it is applied to the loss)
 *   vs MaskLens' `lossMasked`, for every model Keras ran.
 * - evaluate: every compiled model the runnable copy gives data for, each output of a
 *   model with several: MaskLens' evaluate task as the CLI runs it, on the saved `.npy`
 *   data files with the exported weights. Ran: it returned a loss; within tolerance: that
 *   loss equals Keras' `evaluate` to 1e-5 relative. A refusal is a `UserFacingError`
 *   (one message saying what to supply).
 * - internal errors: `analyze` throwing, `internal-error` diagnostics, and evaluate
 *   failing with anything but a `UserFacingError`.
 *
 * The test fails when any of these is worse than test/realworld/baseline.json (a ratchet:
 * raise the baseline with MASKLENS_REALWORLD_BASELINE=write as fixes land). It prints the
 * table per file and the totals, and writes test-results/realworld-score.json.
 * Targets (not asserted yet): >= 97% verdicts agree, every model found, 0 internal
 * errors, evaluate within tolerance on >= 90% of the models found.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import type { KerasFamily } from '../../src/core/ir';
import { runTask } from '../../src/worker/registry';
import { corpusStems, readGolden, REALWORLD, ROOT } from './goldens';
import { digest, entryFiles, runnableProblem } from './integrity';
import { type Baseline, baselineSchema, compareWithBaseline, fileRow, HEADER, keys, summary, totals } from './report';
import { type FileScore, scoreFile } from './score';

const FAMILIES: KerasFamily[] = ['keras3', 'tf-keras2'];
const MIN_FILES = 60;
const BASELINE = join(REALWORLD, 'baseline.json');
const noProgress = { progress: () => undefined, cancelled: () => false };

let analyzer: Analyzer;
const scores = new Map<KerasFamily, FileScore[]>();

before(async () => {
  analyzer = await createAnalyzer();
  for (const family of FAMILIES) {
    const out: FileScore[] = [];
    for (const stem of corpusStems()) {
      const golden = readGolden(stem, family);
      const source = readFileSync(join(ROOT, golden.file), 'utf8');
      out.push(await scoreFile(stem, golden, source, analyzer, (request) => runTask(request, noProgress)));
    }
    scores.set(family, out);
  }
  const report = Object.fromEntries(
    FAMILIES.map((f) => [f, { totals: totals(scores.get(f) ?? []), files: scores.get(f) }]),
  );
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'test-results', 'realworld-score.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const family of FAMILIES) {
    const fileScores = scores.get(family) ?? [];
    console.log(
      `\nreal-world corpus, ${family}  (models/layers found; verdicts agree/total ?unknown -missing; loss-mask agree; eval within/ran/total; internal errors)`,
    );
    console.log(HEADER);
    for (const s of fileScores) console.log(fileRow(s));
    console.log(summary(family, totals(fileScores)));
  }
  if (process.env.MASKLENS_REALWORLD_BASELINE === 'write') {
    const baseline: Baseline = {
      about:
        'What MaskLens gets right on the real-world corpus; score.test.ts fails when a run is worse. Rewrite with MASKLENS_REALWORLD_BASELINE=write.',
      families: Object.fromEntries(
        FAMILIES.map((f) => [f, { totals: { ...totals(scores.get(f) ?? []) }, keys: keys(scores.get(f) ?? []) }]),
      ),
    };
    writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
  }
});
after(() => analyzer?.dispose());

test('the corpus: at least 60 files, each with a runnable copy and goldens for both families', () => {
  const stems = corpusStems();
  assert.ok(stems.length >= MIN_FILES, `only ${stems.length} corpus files; the corpus needs at least ${MIN_FILES}`);
  for (const stem of stems)
    assert.ok(existsSync(join(REALWORLD, 'runnable', `${stem}.py`)), `${stem}: no runnable copy`);
  const models = FAMILIES.flatMap((f) => (scores.get(f) ?? []).flatMap((s) => s.models));
  assert.ok(models.length > 0, 'Keras built no model from the corpus: the goldens are empty');
});

test("every runnable copy keeps its corpus file's code, and every golden was made from the files as they are", () => {
  const problems: string[] = [];
  for (const stem of corpusStems()) {
    const runnable = join(REALWORLD, 'runnable', `${stem}.py`);
    for (const family of FAMILIES) {
      const golden = readGolden(stem, family);
      if (family === FAMILIES[0]) {
        const problem = runnableProblem(readFileSync(join(ROOT, golden.file), 'utf8'), readFileSync(runnable, 'utf8'));
        if (problem) problems.push(`${stem}: the runnable copy changes the corpus file's code: ${problem}`);
      }
      const now = {
        source: digest(entryFiles(golden, stem)),
        runnable: digest([runnable, join(REALWORLD, 'runnable', '_synthetic.py')]),
      };
      if (now.source !== golden.madeFrom.source || now.runnable !== golden.madeFrom.runnable) {
        problems.push(
          `${stem} (${family}): the golden is older than its files; run npm run golden:realworld -- --only ${stem}`,
        );
      }
    }
  }
  assert.deepEqual(problems, []);
});

for (const family of FAMILIES) {
  test(`${family}: no score worse than the baseline`, () => {
    assert.ok(existsSync(BASELINE), `missing ${BASELINE}: write it with MASKLENS_REALWORLD_BASELINE=write`);
    const baseline = baselineSchema.parse(JSON.parse(readFileSync(BASELINE, 'utf8')));
    const base = baseline.families[family];
    assert.ok(base, `the baseline has no entry for ${family}`);
    const { worse, better } = compareWithBaseline(keys(scores.get(family) ?? []), base.keys);
    if (better.length)
      console.log(
        `${family}: better than the baseline (raise it with MASKLENS_REALWORLD_BASELINE=write):\n  ${better.join('\n  ')}`,
      );
    assert.deepEqual(worse, [], `${family}: worse than the baseline:\n  ${worse.join('\n  ')}`);
  });
}

/**
 * The version sweep replayed: for every Keras 3 and tf-keras release test/golden/sweep.py ran,
 * MaskLens analyses each golden source file with that family and `kerasVersion`, and must
 * give the masks that release gave (per layer in and out, the model's output mask,
 * `supports_masking`), warn where that release warned that a layer destroys the mask and
 * nowhere else, name an error where it raised, flag a Concatenate whose mask came out all-true
 * although padding went in, and label its verdicts with that release. The loss cases check
 * that the number MaskLens says Keras reports is what that release's `evaluate` printed, for
 * every shape of sample weight (or that both refuse it). Releases that cannot run on the
 * pinned TensorFlow are recorded in the index with the reason, and MaskLens must not claim
 * them as checked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FileAnalysis, ModelAnalysis } from '../../src/core/analysis/analyze';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import type { KerasFamily } from '../../src/core/ir';
import { CHECKED_RELEASES } from '../../src/core/masking/registry';
import { stateOf } from '../../src/core/masking/state';
import { UserFacingError } from '../../src/core/protocol/task';
import { kerasEvaluateLoss } from '../../src/worker/reductions';
import { readSweepFixture, readSweepIndex, type SweepFile, type SweepLoss, type SweepModel } from './sweepFixtures';

const root = fileURLToPath(new URL('../..', import.meta.url));
const index = readSweepIndex();
const ran = index.releases.filter((r) => r.fixture !== null);

let analyzer: Analyzer;
before(async () => {
  analyzer = await createAnalyzer();
});
after(() => analyzer?.dispose());

const WARNED = /with a warning/;

/** The layers MaskLens says this release warns about ("... will therefore destroy the mask information"), rightly or not. */
function warnedByUs(model: ModelAnalysis): Set<string> {
  const at = (r: { start: { line: number; character: number } }) => `${r.start.line}:${r.start.character}`;
  const warns = (d: { code: string; message: string }) =>
    ((d.code === 'mask-destroyed' || d.code === 'lambda-drops-mask') && WARNED.test(d.message)) ||
    d.code === 'nested-model-mask-warning';
  const ranges = new Set(model.diagnostics.filter(warns).map((d) => at(d.range)));
  return new Set(model.layers.filter((l) => ranges.has(at(l.range))).map((l) => l.name));
}

function allTrueFlagged(model: ModelAnalysis): Set<string> {
  const at = (r: { start: { line: number; character: number } }) => `${r.start.line}:${r.start.character}`;
  const ranges = new Set(
    model.diagnostics.filter((d) => d.code === 'concatenate-mask-all-true').map((d) => at(d.range)),
  );
  return new Set(model.layers.filter((l) => ranges.has(at(l.range))).map((l) => l.name));
}

function compareModel(fx: SweepModel, ours: ModelAnalysis, file: SweepFile, family: KerasFamily): string[] {
  const problems: string[] = [];
  const warned = warnedByUs(ours);
  const flagged = allTrueFlagged(ours);
  for (const [name, className, maskIn, maskOut, trueCount, size, kerasWarned, supportsMasking] of fx.layers) {
    const at = `${fx.name}/${name}`;
    const mine = ours.layers.find((l) => l.name === name);
    if (!mine) {
      problems.push(`${at}: layer missing from the mask flow`);
      continue;
    }
    if (
      maskIn !== null &&
      maskOut !== null &&
      (mine.mask.in !== stateOf(maskIn) || mine.mask.out !== stateOf(maskOut))
    ) {
      problems.push(`${at}: mask in/out ${mine.mask.in}/${mine.mask.out} but Keras had ${maskIn}/${maskOut}`);
    }
    if (className !== 'InputLayer' && mine.rule.kind !== 'nested' && mine.rule.supportsMasking !== supportsMasking) {
      problems.push(`${at}: supports_masking ${mine.rule.supportsMasking} but Keras says ${supportsMasking}`);
    }
    const keras = kerasWarned || file.buildWarnings.includes(name);
    if (family === 'keras3' && keras !== warned.has(name))
      problems.push(
        `${at}: Keras ${keras ? 'warns' : 'does not warn'} that it destroys the mask, MaskLens says it ${warned.has(name) ? 'does' : 'does not'}`,
      );
    if (family === 'tf-keras2' && warned.has(name)) problems.push(`${at}: MaskLens says tf.keras warns; it never does`);
    // Where the probe raised (Keras 3.4-3.11 Concatenate's broadcast_to), Keras computed no mask to judge by.
    const allTrue = className === 'Concatenate' && maskIn === true && trueCount !== null && trueCount === size;
    if (fx.probeError === null && allTrue !== flagged.has(name))
      problems.push(
        `${at}: Keras' mask is ${allTrue ? '' : 'not '}all-true after padding went in; MaskLens ${flagged.has(name) ? 'flags' : 'does not flag'} it`,
      );
  }
  // Keras 3.4-3.11 raise (BroadcastTo) when a Concatenate's recorded mask is replayed: MaskLens says so exactly there.
  const kerasRaised = fx.probeError !== null && /BroadcastTo/.test(fx.probeError);
  const saysRaises = ours.diagnostics.some((d) => d.code === 'keras-raises-concatenate-mask');
  if (kerasRaised !== saysRaises)
    problems.push(
      `${fx.name}: Keras ${kerasRaised ? 'raises (BroadcastTo)' : 'runs it'} but MaskLens ${saysRaises ? 'says it raises' : 'does not say it raises'}`,
    );
  if (fx.outputMask !== null && ours.lossMasked !== stateOf(fx.outputMask))
    problems.push(
      `${fx.name}: lossMasked ${ours.lossMasked} but Keras' output mask is ${fx.outputMask ? 'present' : 'absent'}`,
    );
  return problems;
}

function compareFile(rel: string, file: SweepFile, analysis: FileAnalysis, family: KerasFamily): string[] {
  const problems: string[] = [];
  if (analysis.diagnostics.some((d) => d.code === 'internal-error')) problems.push(`${rel}: internal error`);
  for (const fx of file.models) {
    const names = [fx.name, ...(fx.aliases ?? [])];
    const ours = analysis.models.find((m) => names.includes(m.ir.name));
    if (!ours) problems.push(`${rel} ${fx.name}: model not found`);
    else problems.push(...compareModel(fx, ours, file, family).map((p) => `${rel} ${p}`));
  }
  const errors = [...analysis.diagnostics, ...analysis.models.flatMap((m) => m.diagnostics)].filter(
    (d) => d.code === 'mask-destroyed' && d.severity === 'error',
  );
  const raisedOnMask = file.error !== null && /does not support masking/.test(file.error);
  if (raisedOnMask && errors.length === 0)
    problems.push(`${rel}: Keras raised "${file.error?.slice(0, 100)}" but MaskLens names no error`);
  if (!raisedOnMask && errors.length > 0)
    problems.push(`${rel}: MaskLens says Keras raises (${errors[0].message.slice(0, 100)}), Keras did not`);
  return problems;
}

type Arr = { shape: number[]; data: Float64Array };
const arr = (rows: number[][] | number[]): Arr => {
  const flat = rows.flat();
  return {
    shape: Array.isArray(rows[0]) ? [rows.length, (rows[0] as number[]).length] : [rows.length],
    data: Float64Array.from(flat),
  };
};

function compareLoss(name: string, loss: SweepLoss, family: KerasFamily): string[] {
  const problems: string[] = [];
  for (const [key, weights] of Object.entries(loss.weights)) {
    const reported = loss.evaluate[key];
    const refused = loss.errors[key];
    let ours: number | Error;
    try {
      ours = kerasEvaluateLoss(
        family,
        loss.reduction,
        arr(loss.L),
        loss.mask ? arr(loss.mask) : null,
        weights ? arr(weights) : null,
        loss.L.length,
      );
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      ours = error;
    }
    if (refused !== undefined) {
      if (!(ours instanceof Error))
        problems.push(`${name} ${key}: Keras refused (${refused}); MaskLens computes ${ours}`);
    } else if (ours instanceof Error)
      problems.push(`${name} ${key}: Keras reports ${reported}; MaskLens refuses: ${ours.message}`);
    else if (typeof reported !== 'number' || Math.abs(ours - reported) > 1e-5 * Math.max(1, Math.abs(reported)))
      problems.push(`${name} ${key}: Keras reports ${reported}, MaskLens ${ours}`);
  }
  return problems;
}

test('the sweep ran releases of both families, and MaskLens claims exactly those as checked', () => {
  for (const family of ['keras3', 'tf-keras2'] as const) {
    const swept = ran.filter((r) => r.family === family).map((r) => r.version);
    assert.ok(swept.length >= 3, `only ${swept.length} ${family} releases in the sweep`);
    assert.deepEqual(
      [...CHECKED_RELEASES[family]].sort(),
      [...swept].sort(),
      `${family}: CHECKED_RELEASES must list the releases the sweep ran`,
    );
  }
  for (const r of index.releases)
    assert.ok(
      r.fixture !== null || r.cannotRun,
      `${r.family} ${r.version}: no fixture and no reason (${r.generationError ?? ''})`,
    );
});

for (const release of ran) {
  const { family, version } = release;
  test(`sweep ${family} ${version}`, () => {
    const fixture = readSweepFixture(release.fixture ?? '');
    assert.equal(fixture.version, version);
    const problems: string[] = [];
    for (const [rel, file] of Object.entries(fixture.files)) {
      const analysis = analyzer.analyze(readFileSync(join(root, rel), 'utf8'), {
        file: rel,
        family,
        kerasVersion: version,
      });
      const label = `${family === 'keras3' ? 'Keras' : 'tf.keras'} ${version}`;
      if (analysis.keras !== label) problems.push(`${rel}: labelled "${analysis.keras}", not "${label}"`);
      problems.push(...compareFile(rel, file, analysis, family));
    }
    for (const [name, loss] of Object.entries(fixture.losses)) problems.push(...compareLoss(name, loss, family));
    assert.deepEqual(problems, [], `${family} ${version}:\n  ${problems.join('\n  ')}`);
  });
}

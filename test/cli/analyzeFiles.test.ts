/** `masklens analyze` over several files and globs: formats, SARIF against its schema, --fail-on and the exit codes. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { runAnalyze } from '../../src/cli/analyze';
import { sarifErrors } from './sarifSchema';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAnalyze(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

interface SarifShape {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    artifacts: { location: { uri: string } }[];
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } };
      }[];
      fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[];
    }[];
  }[];
}

test('--format sarif over a glob is valid SARIF 2.1.0 with every finding located and the quick fix as a replacement', async () => {
  const { code, out, err } = await run(['examples/seed00*.py', '--format', 'sarif']);
  assert.equal(code, 0, err);
  const log = JSON.parse(out) as SarifShape;
  assert.equal(sarifErrors(log), '');
  const [sarifRun] = log.runs;
  assert.equal(sarifRun.tool.driver.name, 'MaskLens');
  const matching = readdirSync('examples')
    .filter((f) => /^seed00.*\.py$/.test(f))
    .sort()
    .map((f) => `examples/${f}`);
  assert.deepEqual(
    sarifRun.artifacts.map((a) => a.location.uri),
    matching,
  );
  // The same finding the JSON format reports, at the same place (JSON is 0-based, SARIF 1-based).
  const json = JSON.parse((await run(['examples/seed002_lambda_drops_mask.py', '--json'])).out) as {
    models: { diagnostics: { code: string; range: { start: { line: number; character: number } } }[] }[];
  };
  const expected = json.models[0].diagnostics.find((d) => d.code === 'lambda-drops-mask');
  assert.ok(expected);
  const lambda = sarifRun.results.find((r) => r.ruleId === 'lambda-drops-mask');
  assert.ok(lambda, 'the Lambda that drops the mask is a result');
  assert.equal(lambda.level, 'warning');
  assert.equal(lambda.locations[0].physicalLocation.artifactLocation.uri, 'examples/seed002_lambda_drops_mask.py');
  assert.deepEqual(lambda.locations[0].physicalLocation.region.startLine, expected.range.start.line + 1);
  assert.deepEqual(lambda.locations[0].physicalLocation.region.startColumn, expected.range.start.character + 1);
  assert.equal(
    lambda.fixes?.[0].artifactChanges[0].replacements[0].insertedContent.text,
    ', mask=lambda inputs, previous_mask: previous_mask[:, N:]',
  );
  assert.ok(sarifRun.tool.driver.rules.some((r) => r.id === 'lambda-drops-mask'));
});

test('the validator refuses a log that is not SARIF (so the test above can fail)', async () => {
  const log = JSON.parse(
    (await run(['examples/seed002_lambda_drops_mask.py', '--format', 'sarif'])).out,
  ) as SarifShape & { version?: string };
  assert.equal(sarifErrors(log), '');
  assert.match(sarifErrors({ ...log, version: '2.0.0' }), /version/);
  const broken = structuredClone(log);
  broken.runs[0].results[0].level = 'severe';
  assert.match(sarifErrors(broken), /level/);
});

test('--fail-on decides the exit code: warnings pass by default, fail with --fail-on warning, never with never', async () => {
  assert.equal((await run(['examples/seed002_lambda_drops_mask.py'])).code, 0, 'a warning is not an error');
  assert.equal((await run(['examples/seed002_lambda_drops_mask.py', '--fail-on', 'warning'])).code, 1);
  assert.equal(
    (await run(['examples/seed002_lambda_with_mask.py', '--fail-on', 'warning'])).code,
    0,
    'the fixed file has no warning',
  );
  assert.equal(
    (await run(['examples/seed002_lambda_drops_mask.py', '--fail-on', 'never', '--format', 'sarif'])).code,
    0,
  );
  const usage = await run(['examples/seed002_lambda_drops_mask.py', '--fail-on', 'sometimes']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--fail-on must be one of error, warning, never \(got sometimes\)/);
});

test('an error-level finding fails the default run; --format json gives an array for several files', async () => {
  // tf.keras raises when TimeDistributed passes a mask to a layer that does not support one.
  const erring = 'test/golden/corpus/c37_timedistributed_unsupported_inner.py';
  const { code, out } = await run([
    '--keras',
    'tf-keras2',
    '--format',
    'json',
    erring,
    'examples/seed001_embedding_dense_mse.py',
  ]);
  assert.equal(code, 1);
  const analyses = JSON.parse(out) as {
    file: string;
    models: { diagnostics: { severity: string; code: string }[] }[];
  }[];
  assert.deepEqual(
    analyses.map((a) => a.file),
    [erring, 'examples/seed001_embedding_dense_mse.py'],
  );
  assert.ok(
    analyses[0].models.flatMap((m) => m.diagnostics).some((d) => d.severity === 'error' && d.code === 'mask-destroyed'),
  );
  assert.equal((await run(['--keras', 'tf-keras2', erring, '--fail-on', 'never'])).code, 0);
  assert.equal((await run(['--keras', 'keras3', erring])).code, 0, 'Keras 3 drops that mask with a warning instead');
});

test('several files: each once, in argument order; text ends with the totals', async () => {
  const { code, out } = await run(['examples/seed001_embedding_dense_mse.py', 'examples/seed00[01]_*.py']);
  const files = [...out.matchAll(/^(\S+) — mask rules of/gm)].map((m) => m[1]);
  assert.deepEqual(files, [
    'examples/seed001_embedding_dense_mse.py',
    'examples/seed000_masking_lstm.py',
    'examples/seed001_embedding_lstm.py',
    'examples/seed001_embedding_predict.py',
  ]);
  assert.equal(code, 0);
  assert.match(out, /4 files: 0 error\(s\), \d+ warning\(s\)\n$/);
});

test('a glob that matches nothing, a folder and a missing file exit 2 with one clear sentence', async () => {
  const none = await run(['examples/*.nothing']);
  assert.equal(none.code, 2);
  assert.match(none.err, /^masklens analyze: no file matches examples\/\*\.nothing\n/);
  const folder = await run(['examples']);
  assert.equal(folder.code, 2);
  assert.match(folder.err, /examples is a folder; name files, or a glob such as 'examples\/\*\*\/\*\.py'/);
  const missing = await run(['examples/seed001_embedding_dense_mse.py', 'missing.py']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read missing\.py/);
  assert.equal(missing.out, '', 'nothing is printed when a file cannot be read');
});

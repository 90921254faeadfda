import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import {
  dimensions,
  integer,
  kerasFamily,
  kerasVersion,
  MODEL_OPTIONS,
  oneFile,
  oneOf,
  parseCommandLine,
  positiveInteger,
  UsageError,
} from '../../src/cli/options';

const parse = (argv: string[]) =>
  parseCommandLine(() => parseArgs({ args: argv, options: MODEL_OPTIONS, allowPositionals: true, strict: true }));

test('both option spellings, repeated --dim and the file', () => {
  const { values, positionals } = parse([
    'm.py',
    '--keras=tf-keras2',
    '--dim',
    'timesteps=362',
    '--dim=features=24',
    '--json',
  ]);
  assert.equal(oneFile(positionals), 'm.py');
  assert.equal(kerasFamily(values.keras), 'tf-keras2');
  assert.deepEqual(dimensions(values.dim), { timesteps: 362, features: 24 });
  assert.equal(values.json, true);
});

test('usage errors say what was expected', () => {
  assert.throws(
    () => parse(['m.py', '--bogus']),
    (e: unknown) => e instanceof UsageError && /Unknown option '--bogus'/.test(e.message),
  );
  assert.throws(
    () => parse(['m.py', '--keras']),
    (e: unknown) => e instanceof UsageError && /--keras/.test(e.message),
  );
  assert.throws(() => oneFile([]), /missing FILE/);
  assert.throws(() => oneFile(['a.py', 'b.py']), /unexpected argument b\.py/);
  assert.throws(() => kerasFamily('keras9'), /keras3 or tf-keras2 \(got keras9\)/);
  assert.throws(() => kerasVersion('3.x'), /like 3\.15\.1/);
  assert.throws(() => dimensions(['timesteps']), /NAME=N/);
  assert.throws(() => integer('1.5', '--seed'), /--seed needs an integer/);
  assert.throws(() => positiveInteger('0', '--epochs'), /positive integer/);
  assert.throws(
    () => oneOf('median', ['none', 'valid-mean'] as const, '--semantics'),
    /one of none, valid-mean \(got median\)/,
  );
});

test("absent options stay undefined; defaults are the caller's", () => {
  const { values } = parse(['m.py']);
  assert.equal(kerasFamily(values.keras), 'keras3');
  assert.equal(kerasVersion(values['keras-version']), undefined);
  assert.deepEqual(dimensions(values.dim), {});
  assert.equal(positiveInteger(undefined, '--epochs'), undefined);
  assert.equal(oneOf('none', ['none', 'valid-mean'] as const, '--semantics'), 'none');
});

/**
 * The real-world corpus goldens (written by test/realworld/generate.py from real Keras),
 * read and validated. Arrays are written as in test/golden: `{shape, dtype, values}` with
 * the values inline, or `values: null` and an `npy` side file under `goldens/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { KerasFamily } from '../../src/core/ir';
import { parseNpy } from '../../src/core/data/npy';

export const REALWORLD = join(__dirname);
export const ROOT = join(__dirname, '..', '..');
const GOLDENS = join(REALWORLD, 'goldens');

/** JSON has no NaN: the golden writer spells non-finite numbers as strings. */
const number = z.union([
  z.number(),
  z
    .enum(['NaN', 'Infinity', '-Infinity'])
    .transform((s) => (s === 'NaN' ? NaN : s === 'Infinity' ? Infinity : -Infinity)),
]);

const arraySchema = z.object({
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string(),
  values: z.array(number).nullable(),
  npy: z.string().optional(),
});

const layerSchema = z.object({
  name: z.string(),
  className: z.string(),
  calls: z.number().int(),
  maskIn: z.boolean().nullable(),
  maskOut: z.boolean().nullable(),
});

const evaluateSchema = z.object({
  skipped: z.string().optional(),
  x: z.array(z.string()).optional(),
  y: z.array(z.string()).optional(),
  batchSize: z.number().int().optional(),
  weights: z
    .array(z.object({ layer: z.string(), weights: z.array(arraySchema.extend({ name: z.string() })) }))
    .optional(),
  error: z.string().optional(),
  loss: number.optional(),
  outputNames: z.array(z.string()).optional(),
  outputLosses: z.array(number.nullable()).optional(),
});

const modelSchema = z.object({
  name: z.string(),
  aliases: z.array(z.string()).optional(),
  kerasName: z.string(),
  kind: z.string(),
  runError: z.string().nullable(),
  layers: z.array(layerSchema),
  outputMask: z.boolean().nullable(),
  evaluate: evaluateSchema,
});

const goldenSchema = z.object({
  file: z.string(),
  runnable: z.string(),
  /** Digests (corpus.py) of the corpus entry and the runnable copy the golden was made from. */
  madeFrom: z.object({ source: z.string(), runnable: z.string() }),
  family: z.enum(['keras3', 'tf-keras2']),
  kerasVersion: z.string(),
  error: z.string().nullable(),
  models: z.array(modelSchema),
  maskWarnings: z.array(z.string()),
});

export type Golden = z.infer<typeof goldenSchema>;
export type GoldenModel = z.infer<typeof modelSchema>;
export type GoldenLayer = z.infer<typeof layerSchema>;
export type GoldenArray = z.infer<typeof arraySchema>;

/**
 * Every corpus entry, sorted: `sources/<stem>.py`, or a project folder `sources/<stem>/` whose
 * entry file `<stem>.py` imports the folder's other modules (as corpus.py has it).
 */
export function corpusStems(): string[] {
  const sources = join(REALWORLD, 'sources');
  return readdirSync(sources)
    .map((entry) => (entry.endsWith('.py') ? entry.slice(0, -3) : entry))
    .filter((stem) => existsSync(join(sources, `${stem}.py`)) || existsSync(join(sources, stem, `${stem}.py`)))
    .sort();
}

export function readGolden(stem: string, family: KerasFamily): Golden {
  const path = join(GOLDENS, `${stem}.${family}.json`);
  if (!existsSync(path))
    throw new Error(`no golden for ${stem} (${family}): run npm run golden:realworld -- --only ${stem}`);
  const parsed = goldenSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${path}: not a real-world golden: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

/** An array's values: inline, or from its `.npy` side file. */
export function arrayValues(a: GoldenArray): Float32Array<ArrayBuffer> {
  if (a.values) return Float32Array.from(a.values);
  if (!a.npy) throw new Error('a golden array has neither values nor an npy file');
  const data = parseNpy(new Uint8Array(readFileSync(join(GOLDENS, a.npy))), a.npy).data;
  return Float32Array.from(data);
}

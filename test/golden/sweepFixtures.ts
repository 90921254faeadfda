/**
 * The version sweep's fixtures (test/golden/sweep.py): one file per Keras release, read and
 * validated here for the sweep test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const SWEEP_DIR = fileURLToPath(new URL('fixtures/sweep', import.meta.url));

const family = z.enum(['keras3', 'tf-keras2']);

export const releaseRowSchema = z.object({
  family,
  version: z.string(),
  fixture: z.string().nullable(),
  /** Why the release does not import on the pinned TensorFlow (a fact, recorded instead of skipped). */
  cannotRun: z.string().optional(),
  generationError: z.string().optional(),
});

const indexSchema = z.object({ tensorflow: z.string(), releases: z.array(releaseRowSchema) });

/** [name, class, mask in, mask out, true entries of the output mask, its size, Keras warned it destroys the mask, supports_masking]. */
const layerRowSchema = z.tuple([
  z.string(),
  z.string(),
  z.boolean().nullable(),
  z.boolean().nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.boolean(),
  z.boolean(),
]);

const modelSchema = z.object({
  name: z.string(),
  aliases: z.array(z.string()).optional(),
  kind: z.string(),
  probeError: z.string().nullable(),
  layers: z.array(layerRowSchema),
  outputMask: z.boolean().nullable(),
});

const fileSchema = z.object({
  error: z.string().nullable(),
  models: z.array(modelSchema),
  buildWarnings: z.array(z.string()),
});

const matrix = z.array(z.array(z.number()));

const lossSchema = z.object({
  about: z.string(),
  reduction: z.enum(['sum_over_batch_size', 'sum']),
  L: matrix,
  mask: matrix.nullable(),
  weights: z.record(z.string(), z.union([z.array(z.number()), matrix]).nullable()),
  evaluate: z.record(z.string(), z.number().nullable()),
  errors: z.record(z.string(), z.string()),
  metricMasked: z.boolean().nullable().optional(),
});

const fixtureSchema = z.object({
  family,
  version: z.string(),
  tensorflow: z.string(),
  files: z.record(z.string(), fileSchema),
  losses: z.record(z.string(), lossSchema),
});

export type SweepLayerRow = z.infer<typeof layerRowSchema>;
export type SweepModel = z.infer<typeof modelSchema>;
export type SweepFile = z.infer<typeof fileSchema>;
export type SweepLoss = z.infer<typeof lossSchema>;
export type SweepFixture = z.infer<typeof fixtureSchema>;
export type SweepRelease = z.infer<typeof releaseRowSchema>;

export function readSweepIndex(): z.infer<typeof indexSchema> {
  const path = join(SWEEP_DIR, 'index.json');
  if (!existsSync(path)) throw new Error(`missing ${path}: run npm run golden:sweep`);
  return indexSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function readSweepFixture(name: string): SweepFixture {
  return fixtureSchema.parse(JSON.parse(readFileSync(join(SWEEP_DIR, name), 'utf8')));
}

/**
 * Totals, the printed score table, and the ratchet against the committed baseline.
 *
 * The baseline keeps, per family, the keys of everything MaskLens got right (models found,
 * layer verdicts agreeing, loss-mask answers agreeing, evaluations that ran, evaluations
 * within tolerance) and the files with internal errors. A run is worse than the baseline
 * when something right there is not right now, or a file gains an internal error.
 */
import { z } from 'zod';
import type { KerasFamily } from '../../src/core/ir';
import type { FileScore } from './score';

/** Relative tolerance for a loss to count as equal to Keras'. */
export const TOLERANCE = 1e-5;

export interface Totals {
  files: number;
  filesKerasRaised: number;
  kerasModels: number;
  modelsFound: number;
  layers: number;
  layersFound: number;
  verdicts: number;
  verdictsAgree: number;
  verdictsDisagree: number;
  verdictsUnknown: number;
  verdictsMissing: number;
  lossMask: number;
  lossMaskAgree: number;
  evaluations: number;
  evaluationsRan: number;
  evaluationsWithinTolerance: number;
  evaluationsRefused: number;
  worstRelativeError: number | null;
  internalErrors: number;
  extraModels: number;
}

export const KEY_KINDS = [
  'modelsFound',
  'verdictsAgree',
  'lossMaskAgree',
  'evaluationsRan',
  'evaluationsWithinTolerance',
] as const;
export type KeyKind = (typeof KEY_KINDS)[number];
export type Keys = Record<KeyKind, string[]> & { internalErrorFiles: string[] };

const evalKey = (stem: string, model: string, output: number | null) =>
  `${stem}#${model}${output === null ? '' : `:${output}`}`;

export function totals(scores: FileScore[]): Totals {
  const models = scores.flatMap((s) => s.models);
  const verdicts = models.flatMap((m) => m.verdicts);
  const lossMask = models.filter((m) => m.kerasOutputMask !== null);
  const evals = models.flatMap((m) => m.evaluations);
  const ran = evals.filter((e) => e.status === 'ran');
  const errors = ran.map((e) => e.relativeError ?? Infinity);
  return {
    files: scores.length,
    filesKerasRaised: scores.filter((s) => s.kerasError !== null).length,
    kerasModels: models.length,
    modelsFound: models.filter((m) => m.found !== null).length,
    layers: models.reduce((n, m) => n + m.layers, 0),
    layersFound: models.reduce((n, m) => n + m.layersFound, 0),
    verdicts: verdicts.length,
    verdictsAgree: verdicts.filter((v) => v.verdict === 'agree').length,
    verdictsDisagree: verdicts.filter((v) => v.verdict === 'disagree').length,
    verdictsUnknown: verdicts.filter((v) => v.verdict === 'unknown').length,
    verdictsMissing: verdicts.filter((v) => v.verdict === 'missing').length,
    lossMask: lossMask.length,
    lossMaskAgree: lossMask.filter((m) => m.masklensLossMasked === m.kerasOutputMask).length,
    evaluations: evals.length,
    evaluationsRan: ran.length,
    evaluationsWithinTolerance: errors.filter((e) => e <= TOLERANCE).length,
    evaluationsRefused: evals.filter((e) => e.status === 'refused').length,
    worstRelativeError: errors.length ? Math.max(...errors) : null,
    internalErrors: scores.reduce((n, s) => n + s.internalErrors.length, 0),
    extraModels: scores.reduce((n, s) => n + s.extraModels.length, 0),
  };
}

export function keys(scores: FileScore[]): Keys {
  const out: Keys = {
    modelsFound: [],
    verdictsAgree: [],
    lossMaskAgree: [],
    evaluationsRan: [],
    evaluationsWithinTolerance: [],
    internalErrorFiles: [],
  };
  for (const s of scores) {
    if (s.internalErrors.length) out.internalErrorFiles.push(s.stem);
    for (const m of s.models) {
      const model = `${s.stem}#${m.name}`;
      if (m.found !== null) out.modelsFound.push(model);
      for (const v of m.verdicts) if (v.verdict === 'agree') out.verdictsAgree.push(`${model}/${v.name}`);
      if (m.kerasOutputMask !== null && m.masklensLossMasked === m.kerasOutputMask) out.lossMaskAgree.push(model);
      for (const e of m.evaluations) {
        if (e.status !== 'ran') continue;
        out.evaluationsRan.push(evalKey(s.stem, m.name, e.output));
        if ((e.relativeError ?? Infinity) <= TOLERANCE)
          out.evaluationsWithinTolerance.push(evalKey(s.stem, m.name, e.output));
      }
    }
  }
  return out;
}

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function fileRow(s: FileScore): string {
  const t = totals([s]);
  const cells = [
    pad(s.stem, 44),
    pad(`${t.modelsFound}/${t.kerasModels}`, 8),
    pad(`${t.layersFound}/${t.layers}`, 8),
    pad(
      `${t.verdictsAgree}/${t.verdicts}${t.verdictsUnknown ? ` ?${t.verdictsUnknown}` : ''}${t.verdictsMissing ? ` -${t.verdictsMissing}` : ''}`,
      14,
    ),
    pad(`${t.lossMaskAgree}/${t.lossMask}`, 7),
    pad(`${t.evaluationsWithinTolerance}/${t.evaluationsRan}/${t.evaluations}`, 9),
    pad(String(t.internalErrors), 4),
    s.kerasError ? `Keras raised: ${s.kerasError.slice(0, 60)}` : '',
  ];
  return cells.join(' ').trimEnd();
}

export const HEADER = `${pad('file', 44)} ${pad('models', 8)} ${pad('layers', 8)} ${pad('verdicts', 14)} ${pad('loss', 7)} ${pad('eval', 9)} ${pad('int', 4)}`;

export function summary(family: KerasFamily, t: Totals): string {
  return [
    `${family}: ${t.files} files (${t.filesKerasRaised} raise in Keras), ${t.kerasModels} models Keras built`,
    `  models found            ${t.modelsFound}/${t.kerasModels} (${pct(t.modelsFound, t.kerasModels)}); MaskLens-only models: ${t.extraModels}`,
    `  layers found            ${t.layersFound}/${t.layers} (${pct(t.layersFound, t.layers)})`,
    `  layer mask verdicts     ${t.verdictsAgree}/${t.verdicts} agree (${pct(t.verdictsAgree, t.verdicts)}); ${t.verdictsDisagree} disagree, ${t.verdictsUnknown} unknown, ${t.verdictsMissing} layer not found`,
    `  mask reaches the loss   ${t.lossMaskAgree}/${t.lossMask} agree (${pct(t.lossMaskAgree, t.lossMask)})`,
    `  evaluate                ${t.evaluationsRan}/${t.evaluations} ran (${pct(t.evaluationsRan, t.evaluations)}), ${t.evaluationsWithinTolerance} within ${TOLERANCE} relative, ${t.evaluationsRefused} refused; worst relative error ${t.worstRelativeError === null ? '—' : t.worstRelativeError.toExponential(2)}`,
    `  internal errors         ${t.internalErrors}`,
  ].join('\n');
}

const keysSchema = z.object({
  modelsFound: z.array(z.string()),
  verdictsAgree: z.array(z.string()),
  lossMaskAgree: z.array(z.string()),
  evaluationsRan: z.array(z.string()),
  evaluationsWithinTolerance: z.array(z.string()),
  internalErrorFiles: z.array(z.string()),
});
export const baselineSchema = z.object({
  about: z.string(),
  families: z.record(z.string(), z.object({ totals: z.record(z.string(), z.number().nullable()), keys: keysSchema })),
});
export type Baseline = z.infer<typeof baselineSchema>;

/** What got worse than the baseline (empty: nothing), and what got better. */
export function compareWithBaseline(now: Keys, base: Keys): { worse: string[]; better: string[] } {
  const worse: string[] = [];
  const better: string[] = [];
  for (const kind of KEY_KINDS) {
    const current = new Set(now[kind]);
    const before = new Set(base[kind]);
    worse.push(
      ...base[kind].filter((k) => !current.has(k)).map((k) => `${kind}: ${k} was right in the baseline and is not now`),
    );
    better.push(...now[kind].filter((k) => !before.has(k)).map((k) => `${kind}: ${k}`));
  }
  const errorsBefore = new Set(base.internalErrorFiles);
  worse.push(
    ...now.internalErrorFiles
      .filter((f) => !errorsBefore.has(f))
      .map((f) => `internal error in ${f}, which had none in the baseline`),
  );
  better.push(
    ...base.internalErrorFiles
      .filter((f) => !now.internalErrorFiles.includes(f))
      .map((f) => `no more internal error in ${f}`),
  );
  return { worse, better };
}

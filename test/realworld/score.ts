/**
 * Scores MaskLens on one corpus file under one Keras family against the golden real Keras
 * wrote for it. How each number is counted is stated in score.test.ts' header.
 */
import { dirname, join } from 'node:path';
import { workspaceModules } from '../../src/analysisProcess/workspaceModules';
import type { Analyzer } from '../../src/core/analysis/analyzer';
import type { FileAnalysis, ModelAnalysis } from '../../src/core/analysis/analyze';
import type { KerasFamily } from '../../src/core/ir';
import type { MaskState } from '../../src/core/masking/state';
import { type EvaluateRequest, type EvaluateResult, runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { UserFacingError } from '../../src/core/protocol/task';
import { arrayValues, type Golden, type GoldenModel, ROOT } from './goldens';
import { matchLayers, matchModels } from './match';

export type Verdict = 'agree' | 'disagree' | 'unknown' | 'missing';

export interface LayerScore {
  name: string;
  className: string;
  /** Whether a mask left the layer in Keras' eager run. */
  keras: boolean;
  /** What MaskLens says leaves it: yes, no or unknown (null: layer not found). */
  masklens: MaskState | null;
  verdict: Verdict;
}

export interface EvaluationScore {
  /** The output evaluated, for a model with several. */
  output: number | null;
  status: 'ran' | 'refused' | 'crashed' | 'not-found';
  keras: number;
  masklens: number | null;
  relativeError: number | null;
  message: string | null;
}

export interface ModelScore {
  name: string;
  found: string | null;
  layers: number;
  layersFound: number;
  verdicts: LayerScore[];
  /** Keras: a mask reaches the output (where it is applied to the loss); null: not known. */
  kerasOutputMask: boolean | null;
  /** MaskLens: a mask reaches the loss; null: the model was not found, or MaskLens says it cannot know. */
  masklensLossMasked: boolean | null;
  evaluations: EvaluationScore[];
}

export interface FileScore {
  stem: string;
  family: KerasFamily;
  kerasVersion: string;
  kerasError: string | null;
  internalErrors: string[];
  models: ModelScore[];
  /** Models MaskLens reports that match no model Keras built. */
  extraModels: string[];
}

/** The evaluate task, passed in so only the test process loads TensorFlow. */
export type EvaluateFn = (request: EvaluateRequest) => Promise<EvaluateResult>;

export function relativeError(mine: number, keras: number): number {
  if (Number.isNaN(mine) && Number.isNaN(keras)) return 0;
  if (!Number.isFinite(mine) || !Number.isFinite(keras)) return mine === keras ? 0 : Infinity;
  return Math.abs(mine - keras) / Math.max(Math.abs(keras), 1e-12);
}

function layerScores(golden: GoldenModel, ours: ModelAnalysis | null): LayerScore[] {
  const layers = golden.layers.filter((l) => l.className !== 'InputLayer' && l.maskOut !== null);
  const matched = ours ? matchLayers(layers, ours.layers) : layers.map(() => null);
  return layers.map((l, i) => {
    const mine = matched[i];
    const keras = l.maskOut === true;
    if (!mine) return { name: l.name, className: l.className, keras, masklens: null, verdict: 'missing' };
    const verdict: Verdict =
      mine.mask.out === 'unknown' ? 'unknown' : (mine.mask.out === 'yes') === keras ? 'agree' : 'disagree';
    return { name: l.name, className: l.className, keras, masklens: mine.mask.out, verdict };
  });
}

async function evaluations(
  golden: GoldenModel,
  ours: ModelAnalysis | null,
  file: Golden,
  evaluate: EvaluateFn,
  internal: string[],
): Promise<EvaluationScore[]> {
  const ev = golden.evaluate;
  if (ev.loss === undefined || !ev.x || !ev.y || !ev.weights) return [];
  const outputs: { output: number | null; keras: number }[] = ev.outputLosses
    ? ev.outputLosses.flatMap((loss, i) => (loss === null ? [] : [{ output: i, keras: loss }]))
    : [{ output: null, keras: ev.loss }];
  const layers = ev.weights.map((l) => ({
    layer: l.layer,
    weights: l.weights.map((w) => ({ name: w.name, shape: w.shape, values: arrayValues(w) })),
  }));
  const scores: EvaluationScore[] = [];
  for (const { output, keras } of outputs) {
    const base = { output, keras, masklens: null, relativeError: null, message: null };
    if (!ours) {
      scores.push({ ...base, status: 'not-found', message: 'MaskLens did not find the model' });
      continue;
    }
    const ys = ev.y;
    const x = ev.x.map((p) => join(ROOT, p));
    const request: EvaluateRequest = {
      kind: 'evaluate',
      // As the CLI sends it, evaluated with the batch size the golden's `evaluate` used.
      model: {
        ...runtimeModelOf(ours.ir),
        training: { ...runtimeModelOf(ours.ir).training, batchSize: ev.batchSize ?? null },
      },
      family: file.family,
      kerasVersion: file.kerasVersion,
      data: { source: 'file', x: x.length === 1 ? x[0] : x, y: join(ROOT, ys[output ?? 0]) },
      weights: { source: 'inline', layers },
      layerOutputs: false,
      ...(output === null ? {} : { output }),
    };
    try {
      const result = await evaluate(request);
      if (!result.loss) scores.push({ ...base, status: 'refused', message: 'MaskLens computed no loss' });
      else
        scores.push({
          ...base,
          status: 'ran',
          masklens: result.loss.keras.value,
          relativeError: relativeError(result.loss.keras.value, keras),
        });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof UserFacingError) scores.push({ ...base, status: 'refused', message });
      else {
        scores.push({ ...base, status: 'crashed', message });
        internal.push(`evaluate ${golden.name}: ${message.split('\n')[0]}`);
      }
    }
  }
  return scores;
}

export async function scoreFile(
  stem: string,
  golden: Golden,
  source: string,
  analyzer: Analyzer,
  evaluate: EvaluateFn,
): Promise<FileScore> {
  const internalErrors: string[] = [];
  let analysis: FileAnalysis | null = null;
  try {
    // As the CLI reads it: the file's own modules from disk (a project entry's folder is its workspace).
    const file = join(ROOT, golden.file);
    analysis = analyzer.analyze(source, {
      file,
      family: golden.family,
      kerasVersion: golden.kerasVersion,
      modules: workspaceModules([dirname(file)], true),
    });
  } catch (error) {
    internalErrors.push(`analysis threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ours = analysis?.models ?? [];
  for (const d of [...(analysis?.diagnostics ?? []), ...ours.flatMap((m) => m.diagnostics)]) {
    if (d.code === 'internal-error') internalErrors.push(`line ${d.range.start.line + 1}: ${d.message}`);
  }
  const matched = matchModels(golden.models, ours);
  const models: ModelScore[] = [];
  for (const [i, g] of golden.models.entries()) {
    const mine = matched[i];
    const verdicts = layerScores(g, mine);
    const listed = g.layers.filter((l) => l.className !== 'InputLayer');
    models.push({
      name: g.name,
      found: mine ? mine.ir.name : null,
      layers: listed.length,
      layersFound: mine ? matchLayers(listed, mine.layers).filter(Boolean).length : 0,
      verdicts,
      kerasOutputMask: g.outputMask,
      masklensLossMasked: mine && mine.lossMasked !== 'unknown' ? mine.lossMasked === 'yes' : null,
      evaluations: await evaluations(g, mine, golden, evaluate, internalErrors),
    });
  }
  const extraModels = ours.filter((m) => !matched.includes(m)).map((m) => m.ir.name);
  return {
    stem,
    family: golden.family,
    kerasVersion: golden.kerasVersion,
    kerasError: golden.error,
    internalErrors,
    models,
    extraModels,
  };
}

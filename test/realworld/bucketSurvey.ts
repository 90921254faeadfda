/**
 * Which models of the real-world corpus and of examples/ may be evaluated in length buckets,
 * and why not: each model MaskLens finds is built on its golden data (or synthetic data when
 * the golden has none) and asked `bucketDecision`, and the reasons are counted by the layer
 * class and the problem (layer names left out).
 *
 *   node --import tsx test/realworld/bucketSurvey.ts [--family keras3|tf-keras2] [--list]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceModules } from '../../src/analysisProcess/workspaceModules';
import { createAnalyzer } from '../../src/core/analysis/analyzer';
import type { KerasFamily } from '../../src/core/ir';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { bucketDecision, timeWalk } from '../../src/core/runtime/lengthBuckets';
import { openSession, type SessionRequest } from '../../src/worker/session';
import { arrayValues, corpusStems, readGolden, ROOT } from './goldens';
import { matchModels } from './match';

interface Row {
  file: string;
  model: string;
  verdict: 'buckets' | 'refused' | 'unmarked' | 'not run';
  reason: string;
  /** Every layer that stops bucketing (a model refused for a layer). */
  all: string[];
}

/** A reason with the layer's name left out, so reasons count by class and problem. */
function general(reason: string): string {
  return reason.replace(/layer '[^']*' /, 'layer ');
}

function decide(file: string, model: string, request: SessionRequest): Row {
  let session;
  try {
    session = openSession(request, { kind: 'evaluate' });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { file, model, verdict: 'not run', reason: message.slice(0, 120), all: [] };
  }
  try {
    const d = bucketDecision(session.runtime.graph, session.probe.facts);
    if (d.ok) return { file, model, verdict: 'buckets', reason: `marked by ${d.marker.kind}`, all: [] };
    const all = d.marked ? timeWalk(session.runtime.graph, session.probe.facts).problems : [];
    return { file, model, verdict: d.marked ? 'refused' : 'unmarked', reason: d.reason, all };
  } finally {
    session.dispose();
  }
}

const base = {
  seed: 42,
  memoryCapMB: 2048,
  nanPolicy: 'report' as const,
  dimensions: {},
  access: { mode: 'trusted' as const },
};
const synthetic = {
  source: 'synthetic' as const,
  samples: 8,
  minLength: 1,
  maxLength: 0,
  padding: 'post' as const,
  timesteps: 10,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const family: KerasFamily = args.includes('tf-keras2') ? 'tf-keras2' : 'keras3';
  const analyzer = await createAnalyzer();
  const rows: Row[] = [];
  for (const stem of corpusStems()) {
    const golden = readGolden(stem, family);
    const file = join(ROOT, golden.file);
    const analysis = analyzer.analyze(readFileSync(file, 'utf8'), {
      file,
      family,
      kerasVersion: golden.kerasVersion,
      modules: workspaceModules([dirname(file)], true),
    });
    const matched = matchModels(golden.models, analysis.models);
    for (const m of analysis.models) {
      const g = golden.models[matched.indexOf(m)];
      const ev = g?.evaluate;
      const data =
        ev?.x && ev.y
          ? {
              source: 'file' as const,
              x: ev.x.length === 1 ? join(ROOT, ev.x[0]) : ev.x.map((p) => join(ROOT, p)),
              y: join(ROOT, ev.y[0]),
            }
          : synthetic;
      // The golden's weights also fix sizes the source computes from data (an Embedding's input_dim).
      const weights = ev?.weights
        ? {
            source: 'inline' as const,
            layers: ev.weights.map((l) => ({
              layer: l.layer,
              weights: l.weights.map((w) => ({ name: w.name, shape: w.shape, values: arrayValues(w) })),
            })),
          }
        : undefined;
      rows.push(decide(stem, m.ir.name, { ...base, family, model: runtimeModelOf(m.ir), data, weights }));
    }
  }
  const examples = join(ROOT, 'examples');
  for (const name of readdirSync(examples).filter((f) => f.endsWith('.py'))) {
    const file = join(examples, name);
    const analysis = analyzer.analyze(readFileSync(file, 'utf8'), {
      file,
      family,
      modules: workspaceModules([examples], true),
    });
    for (const m of analysis.models)
      rows.push(
        decide(`examples/${name}`, m.ir.name, { ...base, family, model: runtimeModelOf(m.ir), data: synthetic }),
      );
  }
  if (args.includes('--list'))
    for (const r of rows) {
      console.log(`${r.verdict}\t${r.file}\t${r.model}\t${r.reason}`);
      for (const p of r.all.slice(1)) console.log(`\t\t\t  also: ${p}`);
    }
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.verdict}: ${r.verdict === 'not run' ? 'the model does not run' : general(r.reason)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log(`\n${family}: ${rows.length} models`);
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(4)}  ${k}`);
  // Every problem, not only the first: what the models refused for a layer would still meet.
  const every = new Map<string, number>();
  for (const r of rows) for (const p of new Set(r.all.map(general))) every.set(p, (every.get(p) ?? 0) + 1);
  console.log(`\nmodels refused for a layer, by every problem they hold:`);
  for (const [k, n] of [...every].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(4)}  ${k}`);
}

void main();

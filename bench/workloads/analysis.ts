/**
 * W4: static analysis of the generated 2,000-line, 20-model file of bench/analyze.bench.ts,
 * in this process (the extension host runs it in-process too). MaskLens only: Keras has no
 * counterpart. Runs are cheap, so many are taken whatever BENCH_REPS says.
 */
import { measureAnalysis, WARMUPS, type AnalysisTimes } from '../analyze.bench';
import type { BenchContext } from '../harness/context';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';

const RUNS = 60;

export async function analysisWorkload(ctx: BenchContext): Promise<Row[]> {
  let times: AnalysisTimes | null = null;
  let error: string | null = null;
  try {
    times = await measureAnalysis(RUNS);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const cold = times?.cold ?? [];
  const edit = times?.edit ?? [];
  ctx.log(`    first ${times?.first.toFixed(1) ?? '—'} ms, cold median ${summarize(cold)?.median.toFixed(2) ?? '—'} ms, edit median ${summarize(edit)?.median.toFixed(2) ?? '—'} ms (${RUNS} runs each)`);
  const row = (measure: string, samples: number[], how: string, notes: string[]): Row => {
    const s = summarize(samples);
    return {
      workload: 'W4',
      measure,
      how,
      masklens: side(samples, error, summarize),
      keras: null,
      ratio: null,
      target: { text: '< 20 ms', met: s ? s.median < 20 : null },
      notes,
    };
  };
  const first = times ? [`the first analysis in a fresh process took ${times.first.toFixed(0)} ms (nothing compiled yet)`] : [];
  return [
    row(
      'analysis, file never seen',
      cold,
      `2,000 lines, 20 models: tree-sitter parse, reading and mask analysis; ${RUNS} runs after ${WARMUPS} warm-up analyses (the editor's analyzer runs on every edit, so its code is optimised)`,
      first,
    ),
    row('analysis after a one-line edit', edit, `the same file with one line changed: incremental parse + analysis, ${RUNS} runs`, []),
  ];
}

/**
 * W4: static analysis of the generated 2,000-line, 20-model file of bench/analyze.bench.ts.
 * MaskLens only: Keras has no counterpart. Raw analysis time in this process (what the analyzer
 * thread spends), and a one-line edit's way to the extension host through the real analysis
 * process (dist/analysis.js) and the client the extension uses. Runs are cheap, so many are
 * taken whatever BENCH_REPS says.
 */
import {
  measureAnalysis,
  measureThroughProcess,
  WARMUPS,
  type AnalysisTimes,
  type ProcessTimes,
} from '../analyze.bench';
import type { BenchContext } from '../harness/context';
import { withPeakRss } from '../harness/memory';
import { side, type Row } from '../harness/results';
import { summarize } from '../harness/stats';

const RUNS = 60;

export async function analysisWorkload(ctx: BenchContext): Promise<Row[]> {
  let times: AnalysisTimes | null = null;
  let error: string | null = null;
  // The harness process's peak while it analyses (it holds nothing else yet: W4 runs first).
  let inProcessRss: number | null = null;
  try {
    const measured = await withPeakRss(() => measureAnalysis(RUNS));
    times = measured.value;
    inProcessRss = measured.peakRssBytes;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  let hop: ProcessTimes | null = null;
  let hopError: string | null = null;
  try {
    hop = await measureThroughProcess(RUNS, ctx.root);
  } catch (e) {
    hopError = e instanceof Error ? e.message : String(e);
  }
  const cold = times?.cold ?? [];
  const edit = times?.edit ?? [];
  const atHost = hop?.edit ?? [];
  ctx.log(
    `    first ${times?.first.toFixed(1) ?? '—'} ms, cold median ${summarize(cold)?.median.toFixed(2) ?? '—'} ms, edit median ${summarize(edit)?.median.toFixed(2) ?? '—'} ms, edit → host median ${summarize(atHost)?.median.toFixed(2) ?? '—'} ms (${RUNS} runs each)`,
  );
  const row = (
    measure: string,
    samples: number[],
    failure: string | null,
    how: string,
    target: Row['target'],
    notes: string[],
    rss: number | null = inProcessRss,
  ): Row => ({
    workload: 'W4',
    measure,
    how,
    masklens: side(samples, failure, summarize),
    keras: null,
    ratio: null,
    peakRss: { masklens: rss, keras: null, kerasJax: null },
    target,
    notes,
  });
  const first = times
    ? [`the first analysis in a fresh process took ${times.first.toFixed(0)} ms (nothing compiled yet).`]
    : [];
  const hopNotes = hop
    ? [
        `an analysis is ${hop.viewChars} characters of JSON on its way to the host; the analyzer's own share of an edit: median ${summarize(hop.analysis)?.median.toFixed(1)} ms.`,
        `the first analysis after the process started: ${hop.firstOpen.toFixed(0)} ms.`,
      ]
    : [];
  const median = summarize(atHost)?.median;
  return [
    row(
      'analysis, file never seen',
      cold,
      error,
      `2,000 lines, 20 models: tree-sitter parse, reading and mask analysis in this process; ${RUNS} runs after ${WARMUPS} warm-up analyses (the analyzer runs on every edit, so its code is optimised)`,
      null,
      first,
    ),
    row(
      'analysis after a one-line edit',
      edit,
      error,
      `the same file with one line changed: incremental parse + analysis, ${RUNS} runs`,
      null,
      [],
    ),
    row(
      'one-line edit → analysis at the extension host',
      atHost,
      hopError,
      `the same edits sent as the extension sends them (AnalysisClient: an incremental change over JSON-RPC/IPC) to the analysis process (dist/analysis.js), analysed on its thread and received and validated by the client; ${RUNS} runs after ${WARMUPS} warm-up edits`,
      { text: '< 150 ms (keystroke → visible)', met: median === undefined ? null : median < 150 },
      hopNotes,
      null, // the analysis process's own memory is not read here
    ),
  ];
}

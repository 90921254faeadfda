/**
 * The analyzer thread of the analysis process (bundled as dist/analysisThread.js): loads the
 * Python grammar once, then analyses the jobs the process' main thread sends, one at a time,
 * each answered by exactly one reply. The main thread stops a job through a flag they share
 * (stale: a newer version arrived; out of time), which the interpreter reads every few thousand
 * steps; what the flag cannot stop, the main thread ends by terminating this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { createAnalyzer } from '../core/analysis/analyzer';
import { STOP_FLAG, threadRequestSchema, type AnalysisJob, type ThreadReply } from '../core/protocol/analysisProcess';
import { AnalysisStopped } from '../core/objects/context';
import { analysisView, fitForView, taskInputs } from './view';
import { workspaceModules } from './workspaceModules';

const port = parentPort;
if (!port) throw new Error('dist/analysisThread.js runs as a worker thread of the analysis process');
const { stopFlag } = z.object({ stopFlag: z.instanceof(SharedArrayBuffer) }).parse(workerData);
const flag = new Int32Array(stopFlag);
const shouldStop = (): boolean => Atomics.load(flag, 0) !== STOP_FLAG.run;
const analyzer = createAnalyzer();

async function analyse(job: AnalysisJob): Promise<ThreadReply> {
  const a = await analyzer;
  const started = performance.now();
  try {
    const modules = workspaceModules(job.settings.importRoots ?? [], job.settings.restricted ?? true);
    const analysis = fitForView(
      a.analyze(job.text, {
        file: job.file,
        family: job.settings.family,
        dimensions: job.settings.dimensions,
        shouldStop,
        modules,
      }),
      job.label,
    );
    const view = analysisView(job, analysis, performance.now() - started);
    return { type: 'analysed', uri: job.uri, version: job.version, view, taskInputs: taskInputs(analysis, job.label) };
  } catch (error) {
    if (error instanceof AnalysisStopped) return { type: 'stopped', uri: job.uri, version: job.version };
    throw error;
  }
}

// One job at a time, in order: the grammar loads asynchronously before the first.
let queue: Promise<void> = Promise.resolve();
port.on('message', (raw: unknown) => {
  const request = threadRequestSchema.parse(raw);
  queue = queue.then(async () => {
    if (request.type === 'forget') (await analyzer).forget(request.file);
    else port.postMessage(await analyse(request.job));
  });
});

/**
 * The analysis process (bundled as dist/analysis.js), forked by the extension host like a
 * language server: it keeps the open Python documents, analyses their newest versions on its
 * analyzer thread and sends each analysis back. The protocol is in
 * src/core/protocol/analysisProcess.ts; everything received is validated there first.
 * It ends when the host goes away (the IPC channel closes).
 */
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  ErrorCodes,
} from 'vscode-jsonrpc/node';
import { setPriority } from 'node:os';
import type { z } from 'zod';
import {
  ANALYSIS_METHODS as M,
  analysisLimitsSchema,
  didChangeSchema,
  didChangeSettingsSchema,
  didCloseSchema,
  didOpenSchema,
  taskInputRequestSchema,
} from '../core/protocol/analysisProcess';
import { AnalyzerThread } from './analyzerThread';
import { OpenDocuments } from './documents';
import { AnalysisScheduler } from './scheduler';

if (!process.send)
  throw new Error('dist/analysis.js is started by the MaskLens extension with an IPC channel (child_process.fork)');

/** Unix niceness of the process (0 normal, 19 lowest). */
const ANALYSIS_NICENESS = 10;

// Analysis is background work: where cores are scarce, the extension host (and the editor) come
// first. Threads started from here on (the analyzer thread) inherit the lower priority.
try {
  setPriority(ANALYSIS_NICENESS);
} catch {
  // not permitted here; the process runs at the host's priority
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const documents = new OpenDocuments();
let scheduler: AnalysisScheduler | null = null;
let thread: AnalyzerThread | null = null;

/** Parses what the host sent; a message that does not fit is logged (stderr reaches the host's log) and ignored. */
function check<T>(schema: z.ZodType<T>, raw: unknown, method: string): T | null {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  process.stderr.write(`masklens analysis: ignored a malformed ${method}: ${parsed.error.message}\n`);
  return null;
}

connection.onRequest(M.initialize, (raw: unknown): Record<string, never> => {
  const limits = check(analysisLimitsSchema, raw, M.initialize);
  if (!limits) throw new ResponseError(ErrorCodes.InvalidParams, 'malformed limits');
  thread = new AnalyzerThread(limits.memoryLimitMB);
  scheduler = new AnalysisScheduler(documents, thread, limits, {
    state: (running) => void connection.sendNotification(M.analysisState, { running }),
    analysis: (view) => void connection.sendNotification(M.analysis, view),
  });
  return {};
});

connection.onNotification(M.didOpen, (raw: unknown) => {
  const p = check(didOpenSchema, raw, M.didOpen);
  if (!p) return;
  documents.open(p);
  if (p.analyse) scheduler?.request(p.uri);
});

connection.onNotification(M.didChange, (raw: unknown) => {
  const p = check(didChangeSchema, raw, M.didChange);
  if (p && documents.change(p)) scheduler?.request(p.uri);
});

connection.onNotification(M.didChangeSettings, (raw: unknown) => {
  const p = check(didChangeSettingsSchema, raw, M.didChangeSettings);
  if (p && documents.setSettings(p.uri, p.settings) && p.analyse) scheduler?.request(p.uri);
});

connection.onNotification(M.didClose, (raw: unknown) => {
  const p = check(didCloseSchema, raw, M.didClose);
  const closed = p && documents.close(p.uri);
  if (!p || !closed) return;
  scheduler?.drop(p.uri);
  thread?.forget(closed.file);
});

connection.onRequest(M.taskInput, (raw: unknown) => {
  const p = check(taskInputRequestSchema, raw, M.taskInput);
  if (!p) throw new ResponseError(ErrorCodes.InvalidParams, 'malformed task input request');
  const inputs = scheduler?.taskInputs.get(p.uri);
  if (!inputs) throw new ResponseError(ErrorCodes.InvalidRequest, 'MaskLens has no finished analysis of this file');
  const input = inputs.byModel[p.model];
  if (input === undefined)
    throw new ResponseError(ErrorCodes.InvalidRequest, `the analysis of this file has no model named '${p.model}'`);
  return { version: inputs.version, input };
});

process.on('disconnect', () => {
  thread?.dispose();
  process.exit(0);
});

connection.listen();

/**
 * What the measuring suites share: numbers reported in the test output and collected in
 * test-results/measurements.json, and the extension host's event-loop delay over a window.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';

const measurements: Record<string, unknown> = {};

export function record(name: string, value: unknown): void {
  measurements[name] = value;
  console.log(`[masklens-measure] ${name}: ${JSON.stringify(value)}`);
  // <repo>/test-results, found from the extension's folder (the suite runs inside the extension host)
  const root = vscode.extensions.getExtension('masklens.masklens')?.extensionUri.fsPath;
  if (!root) return;
  const dir = path.join(root, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'measurements.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), ...measurements }, null, 2)}\n`,
  );
}

export const ms = (x: number) => Math.round(x * 100) / 100;

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  samples: number;
  /** CPU time the extension host process used meanwhile (user + system, all its threads). */
  hostCpuMs: number;
  windowMs: number;
}

/** The extension host's event-loop delay while `during` runs (percentiles beyond the 1 ms sampling tick), and what `during` returned. */
export async function eventLoopDuring<T>(during: () => Promise<T>): Promise<{ delay: LoopDelay; value: T }> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  loop.enable();
  let value: T;
  try {
    value = await during();
  } finally {
    loop.disable();
  }
  const used = process.cpuUsage(cpu);
  const windowMs = ms(performance.now() - started);
  // Node records each interval between ticks whole: the delay beyond the 1 ms tick is value − 1.
  const beyondTick = (ns: number) => ms(ns / 1e6 - 1);
  return {
    delay: {
      p50: beyondTick(loop.percentile(50)),
      p99: beyondTick(loop.percentile(99)),
      max: beyondTick(loop.max),
      samples: loop.count,
      hostCpuMs: ms((used.user + used.system) / 1000),
      windowMs,
    },
    value,
  };
}

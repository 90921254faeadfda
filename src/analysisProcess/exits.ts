/**
 * Why the analysis process died, in words for the user, from its exit and the last lines it
 * wrote to stderr. V8 prints its fatal errors there before it aborts:
 *   "# Fatal JavaScript invalid size error 184320043 (see crbug.com/1201626)"   (SIGTRAP)
 *   "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"   (SIGABRT)
 *   "# Fatal error in ..., line N\n# Check failed: ..."   (a failed V8 CHECK)
 */
import type { StopReason } from '../core/protocol/analysisProcess';

export interface ExitCause {
  reason: Extract<StopReason, 'memory' | 'crash'>;
  why: string;
}

const clip = (s: string): string => (s.length > 160 ? `${s.slice(0, 157)}…` : s).trim();

export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderr: string): ExitCause {
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  if (/JavaScript heap out of memory|Fatal process out of memory/.test(stderr)) {
    return {
      reason: 'memory',
      why: `ran out of memory (the analysis process crashed: JavaScript heap out of memory, ${how})`,
    };
  }
  const v8 =
    /Fatal JavaScript (.+?)(?: \(see crbug[^)]*\))?\s*$/m.exec(stderr) ??
    /^# Fatal error in .*\n# (.+)$/m.exec(stderr) ??
    /^FATAL ERROR: (.+)$/m.exec(stderr);
  if (v8) return { reason: 'crash', why: `the analysis process crashed (V8 fatal error: ${clip(v8[1])}, ${how})` };
  return { reason: 'crash', why: `the analysis process crashed (${how})` };
}

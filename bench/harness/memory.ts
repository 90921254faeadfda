/**
 * Peak resident memory (RSS) of a process over one run: Linux keeps a high-water mark (VmHWM in
 * /proc/PID/status) that writing "5" to /proc/PID/clear_refs resets (Linux 4.0+), so a reset
 * before a run and a reading after it give that run's own peak. Elsewhere there is no reading
 * (null), and the table says so rather than showing a lifetime peak as the run's.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function resetPeakRss(pid: number | 'self' = 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export function peakRssBytes(pid: number | 'self' = 'self'): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Runs `fn` and returns its result with the process's peak RSS during it (null where unknown). */
export async function withPeakRss<T>(
  fn: () => Promise<T>,
  pid: number | 'self' = 'self',
): Promise<{ value: T; peakRssBytes: number | null }> {
  const reset = resetPeakRss(pid);
  const value = await fn();
  return { value, peakRssBytes: reset ? peakRssBytes(pid) : null };
}

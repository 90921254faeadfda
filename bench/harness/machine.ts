/** The machine the numbers were taken on, and its arithmetic peak. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Machine } from './results';

export function roundedLoad(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

interface CpuInfo {
  model: string;
  mhz: number | null;
  simd: string[];
}

function cpuInfo(): CpuInfo {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: os.cpus() alone.
  }
  const field = (name: string): string | null => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1] ?? null;
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const mhz = Number(field('cpu MHz') ?? cpus()[0]?.speed ?? NaN);
  return {
    model: field('model name') ?? cpus()[0]?.model ?? 'unknown',
    mhz: Number.isFinite(mhz) && mhz > 0 ? mhz : null,
    simd: ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => flags.has(f)),
  };
}

/**
 * cores × clock × single-precision FLOPs per cycle. The FLOPs per cycle are an assumption
 * from the SIMD flags (the CPU's FMA unit count is not in /proc/cpuinfo): two 256-bit FMA
 * units (AVX2 + FMA: 2 × 8 lanes × 2) = 32, as on AMD Zen 2–4 and Intel since Haswell.
 */
function theoreticalPeak(cores: number, info: CpuInfo): { flops: number | null; how: string } {
  if (info.mhz === null) return { flops: null, how: 'clock unknown' };
  const perCycle = info.simd.includes('avx2') && info.simd.includes('fma') ? 32 : info.simd.includes('avx') ? 16 : 8;
  const flops = cores * info.mhz * 1e6 * perCycle;
  return {
    flops,
    how: `${cores} cores × ${info.mhz.toFixed(0)} MHz (/proc/cpuinfo: the nominal clock; boost clocks are higher, so a measured peak above this is possible) × ${perCycle} float32 FLOPs/cycle (assumed from flags ${info.simd.join(' ')}; CPUs with two 512-bit FMA units do 64)`,
  };
}

export function describeMachine(
  root: string,
  started: { date: Date; loadAverage: number[] },
  python: Record<string, string>,
  threads: Machine['threads'],
  measuredPeak: number | null,
): Machine {
  const info = cpuInfo();
  const cores = cpus().length;
  const theory = theoreticalPeak(cores, info);
  const tfjsNode = (
    JSON.parse(readFileSync(join(root, 'node_modules', '@tensorflow', 'tfjs-node', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  return {
    date: started.date.toISOString(),
    cpu: info.model,
    cores,
    mhz: info.mhz,
    simd: info.simd,
    ramGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: { start: started.loadAverage, end: roundedLoad() },
    node: process.version,
    tfjsNode,
    python,
    threads,
    peak: {
      measuredFlops: measuredPeak,
      measuredHow: `best of 5 × 4 float32 2048×2048 matmuls in TensorFlow ${python.tensorflow ?? '?'} (Python), ${threads.intraOp} intra-op threads`,
      theoreticalFlops: theory.flops,
      theoreticalHow: theory.how,
    },
  };
}

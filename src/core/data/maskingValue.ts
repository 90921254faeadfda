/**
 * Whether a Masking layer masks anything of the data it is given: `Masking(mask_value=-1.)` on
 * sequences padded with 0 never matches, so the padding counts as data (and in a per-timestep
 * loss) without any error. Read off the data: no timestep equals mask_value, while many
 * sequences begin or end with a run of identical constant timesteps (what padding looks like).
 */
import type { NdArray } from '../runtime/array';

/** The constant all features of timestep `t` of sample `s` share, or null (x: samples × timesteps × features). */
function constantStep(data: ArrayLike<number>, base: number, features: number): number | null {
  const first = data[base];
  for (let f = 1; f < features; f++) if (data[base + f] !== first) return null;
  return first;
}

/**
 * A sentence for a Masking layer (`layer`, `maskValue`) that masks no timestep of `x` while its
 * sequences look padded with another value; null when it masks something or the data does not
 * look padded. `x`: (samples, timesteps, features).
 */
export function maskingMisses(x: NdArray, layer: string, maskValue: number, location: string): string | null {
  const scan = new MaskingScan(maskValue);
  scan.add(x);
  return scan.verdict(layer, location);
}

/** What a MaskingScan has seen, as plain data (padding constants with their counts, in first-seen order). */
export interface MaskingScanState {
  masksSomething: boolean;
  samples: number;
  pads: [number, number][];
  shapeOk: boolean;
}

/** The same check over an array's rows read in parts: `add` each part, then ask for the verdict. */
export class MaskingScan {
  private masksSomething = false;
  private samples = 0;
  private readonly pads = new Map<number, number>();
  private shapeOk = true;

  constructor(private readonly maskValue: number) {}

  state(): MaskingScanState {
    return {
      masksSomething: this.masksSomething,
      samples: this.samples,
      pads: [...this.pads.entries()],
      shapeOk: this.shapeOk,
    };
  }

  /** Scans of consecutive parts of the rows, as one scan over all of them would end. */
  static merged(maskValue: number, states: readonly MaskingScanState[]): MaskingScan {
    const scan = new MaskingScan(maskValue);
    for (const s of states) {
      // One scan stops counting once a step equals mask_value: the verdict is then none either way.
      scan.masksSomething ||= s.masksSomething;
      scan.shapeOk &&= s.shapeOk;
      scan.samples += s.samples;
      for (const [value, count] of s.pads) scan.pads.set(value, (scan.pads.get(value) ?? 0) + count);
    }
    return scan;
  }

  add(x: NdArray): void {
    if (x.shape.length !== 3 || Number.isNaN(this.maskValue)) {
      this.shapeOk = false;
      return;
    }
    if (this.masksSomething) return;
    const [samples, steps, features] = x.shape;
    this.samples += samples;
    if (steps < 2 || features === 0) {
      this.shapeOk = false;
      return;
    }
    if (scanPads(x.data, samples, steps, features, this.maskValue, this.pads)) this.masksSomething = true;
  }

  verdict(layer: string, location: string): string | null {
    if (!this.shapeOk || this.masksSomething || this.samples === 0) return null;
    const samples = this.samples;
    const maskValue = this.maskValue;
    const [value, count] = [...this.pads.entries()].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
    if (value === null || count < Math.max(2, Math.ceil(samples / 4))) return null;
    return `Masking '${layer}' masks no timestep of ${location}: no step equals mask_value=${maskValue}, while ${count} of ${samples} sequences are padded with steps of all ${value}. The padding counts as data (and in a per-timestep loss); use Masking(mask_value=${value}), or pad with ${maskValue}.`;
  }
}

/** Counts each sequence's padding constant into `pads`; true as soon as a step equals `maskValue`. */
function scanPads(
  data: ArrayLike<number>,
  samples: number,
  steps: number,
  features: number,
  maskValue: number,
  pads: Map<number, number>,
): boolean {
  for (let s = 0; s < samples; s++) {
    for (let t = 0; t < steps; t++) {
      const c = constantStep(data, (s * steps + t) * features, features);
      if (c === maskValue) return true; // it masks something
    }
    // A padded sequence: its last (post) or first (pre) two steps are the same constant.
    for (const [a, b] of [
      [steps - 1, steps - 2],
      [0, 1],
    ]) {
      const ca = constantStep(data, (s * steps + a) * features, features);
      if (ca !== null && ca === constantStep(data, (s * steps + b) * features, features)) {
        pads.set(ca, (pads.get(ca) ?? 0) + 1);
        break;
      }
    }
  }
  return false;
}

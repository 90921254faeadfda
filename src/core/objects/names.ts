/**
 * Keras' automatic names, per family, in construction order: the first LSTM is `lstm`,
 * the next `lstm_1`. Keras keeps one counter per name prefix for the whole Python process;
 * MaskLens keeps one per analysed file (the golden fixtures run each file in a fresh
 * process). The families differ only for inputs and models:
 *
 * | object                    | Keras 3            | tf.keras 2             |
 * |---------------------------|--------------------|------------------------|
 * | `Input()` / `InputLayer()`| `input_layer`, `_1`| `input_1`, `input_2`   |
 * | Sequential's implicit input| `input_layer_N`   | `<first layer>_input`  |
 * | functional model          | `functional`       | `model`                |
 */
import type { KerasFamily } from '../ir';
import { snake } from '../layers/kerasObjects';

export class Namer {
  private readonly counters = new Map<string, number>();

  constructor(readonly family: KerasFamily) {}

  /** `prefix`, then `prefix_1`, `prefix_2`, ... (Keras' `uniquify` / `unique_object_name`). */
  unique(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }

  layer(className: string): string {
    return this.unique(snake(className));
  }

  input(): string {
    if (this.family === 'keras3') return this.unique('input_layer');
    // tf.keras: 'input_' + str(backend.get_uid('input')), counting from 1.
    const n = (this.counters.get('input') ?? 0) + 1;
    this.counters.set('input', n);
    return `input_${n}`;
  }

  sequentialInput(firstLayerName: string): string {
    return this.family === 'keras3' ? this.unique('input_layer') : `${firstLayerName}_input`;
  }

  save(): string {
    return JSON.stringify([...this.counters]);
  }

  restore(saved: string): void {
    this.counters.clear();
    for (const [k, v] of JSON.parse(saved) as [string, number][]) this.counters.set(k, v);
  }

  model(className: string): string {
    if (className === 'Functional' || className === 'Model')
      return this.unique(this.family === 'keras3' ? 'functional' : 'model');
    return this.unique(snake(className));
  }
}

/** Small Keras 3-format model configs for worker tests. */
import type { JsonObject, KerasModelConfig } from '../../src/core/ir';

export function layer(className: string, config: JsonObject): { class_name: string; config: JsonObject } {
  return { class_name: className, config };
}

let counter = 0;

/** A Sequential config with an InputLayer of `shape` (per sample). */
export function sequential(
  shape: (number | null)[],
  layers: { class_name: string; config: JsonObject }[],
  dtype = 'float32',
): KerasModelConfig {
  const named = layers.map((l) => ({
    ...l,
    config: { name: `${l.class_name.toLowerCase()}_${++counter}`, ...l.config },
  }));
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, ...shape], dtype, name: 'input_layer' } },
        ...named,
      ],
    },
  };
}

export const ctx = { progress: () => undefined, cancelled: () => false };

export function arr(shape: number[], values: number[]) {
  return { shape, dtype: 'float32', values };
}

/**
 * Output shapes of a layer call, by the class's shape rule (src/core/layers). They fill
 * `keras_tensor` shapes in the IR and let diagnostics reason about axes (a Masking layer
 * over a 2-D input, a Lambda slicing the time axis). Unknown stays `null`.
 */
import type { JsonValue } from '../ir';
import type { LayerEntry, ShapeCall } from '../layers/entry';
import { layerEntry } from '../layers/index';
import { thirdPartyEntry } from '../layers/thirdParty';
import type { LayerObj, Shape } from '../objects/modelObjects';

function shapeCall(
  layer: LayerObj,
  inputs: (Shape | null)[],
  kwargs: ReadonlyMap<string, JsonValue | undefined>,
): ShapeCall {
  const inner = layer.inner;
  const innerShape =
    inner && !inner.model ? (innerInputs: (Shape | null)[]) => outputShape(inner, innerInputs, new Map()) : null;
  return { config: layer.config, inputs, lambda: layer.lambda, innerShape, kwargs };
}

/** The shape rule of a layer's class: Keras', or a library's beside it. */
function entryOf(layer: LayerObj): Pick<LayerEntry, 'shape' | 'extraOutputs'> | undefined {
  return layer.module === 'keras.layers'
    ? layerEntry(layer.className)
    : (thirdPartyEntry(layer.className, layer.module) ?? layerEntry(layer.className));
}

function outputShape(
  layer: LayerObj,
  inputs: (Shape | null)[],
  kwargs: ReadonlyMap<string, JsonValue | undefined>,
): Shape | null {
  if (layer.model) return null;
  return entryOf(layer)?.shape(shapeCall(layer, inputs, kwargs)) ?? null;
}

/** The shapes of every output of one call: the first, then any states or attention scores. */
export function outputShapes(
  layer: LayerObj,
  inputs: (Shape | null)[],
  kwargs: ReadonlyMap<string, JsonValue | undefined> = new Map(),
): (Shape | null)[] {
  const main = outputShape(layer, inputs, kwargs);
  if (layer.model) return [main];
  const extra = entryOf(layer)?.extraOutputs?.(shapeCall(layer, inputs, kwargs)) ?? [];
  const outputs = thirdPartyEntry(layer.className, layer.module)?.outputs ?? 1;
  return [main, ...extra, ...Array.from({ length: Math.max(0, outputs - 1 - extra.length) }, () => null)];
}

/**
 * The only place TensorFlow.js is loaded. Native `@tensorflow/tfjs-node` is required; if its
 * binding cannot load, we fall back to the pure-JS `cpu` backend and say so loudly: every
 * result carries `backend` and `backendFallbackReason`, and tests fail on a fallback.
 */
import type * as TfNode from '@tensorflow/tfjs-node';

export type Tf = typeof TfNode;
export type Tensor = TfNode.Tensor;
export type Variable = TfNode.Variable;

export interface BackendInfo {
  backend: 'tensorflow' | 'cpu';
  /** Why native TensorFlow did not load; null on the native backend. */
  fallbackReason: string | null;
  tfjsVersion: string;
  /** TensorFlow's own version where the native binding reports it. */
  tensorflowVersion: string | null;
}

let loaded: { tf: Tf; info: BackendInfo } | null = null;

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

export function loadTf(): { tf: Tf; info: BackendInfo } {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs-node') as Tf;
    const versions = tf.version as Record<string, string>;
    loaded = {
      tf,
      info: {
        backend: 'tensorflow',
        fallbackReason: null,
        tfjsVersion: versions['tfjs-core'] ?? 'unknown',
        tensorflowVersion: versions['tfjs-node'] ? (versions.tensorflow ?? null) : null,
      },
    };
  } catch (nativeError) {
    const reason = `native TensorFlow failed to load: ${describe(nativeError)}`;
    console.error(`[masklens] ${reason}; falling back to the pure-JS cpu backend (slow).`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as Tf;
    void tf.setBackend('cpu');
    loaded = {
      tf,
      info: { backend: 'cpu', fallbackReason: reason, tfjsVersion: (tf.version as Record<string, string>)['tfjs-core'] ?? 'unknown', tensorflowVersion: null },
    };
  }
  if (loaded.info.backend === 'tensorflow' && loaded.tf.getBackend() !== 'tensorflow') {
    loaded.info = { ...loaded.info, backend: 'cpu', fallbackReason: `tfjs-node loaded but the active backend is '${loaded.tf.getBackend()}'` };
  }
  return loaded;
}

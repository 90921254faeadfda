/**
 * The only place TensorFlow.js is loaded. Native `@tensorflow/tfjs-node` is wanted; its binding
 * loads the TensorFlow C library this process was started with (LD_LIBRARY_PATH, chosen by
 * src/tensorflow/ in whoever started it). Without one, or with one whose version MaskLens does
 * not run on, we fall back to the pure-JS `cpu` backend and say so loudly: every result carries
 * the backend, the library that ran (its path and its own version) or why none did, and tests
 * fail on a fallback.
 */
import { readFileSync } from 'node:fs';
import type * as TfNode from '@tensorflow/tfjs-node';
import { z } from 'zod';
import type { BackendInfo } from '../core/protocol/probe';
import { TENSORFLOW_ENV } from '../core/protocol/tensorflowEnvironment';
import { refusedTensorFlowVersion } from '../core/tensorflowVersions';
import { registerNonDifferentiable } from './nonDifferentiable';

export type Tf = typeof TfNode;
export type Tensor = TfNode.Tensor;
export type Variable = TfNode.Variable;
export type { BackendInfo };

let loaded: { tf: Tf; info: BackendInfo } | null = null;

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** tfjs-node's backend object exposes its binding, which reports TensorFlow's own version. */
const nodeBackendSchema = z.object({ binding: z.object({ TF_Version: z.string() }) });

/**
 * The TensorFlow C library mapped into this process, as the kernel lists it: the wheel's
 * libtensorflow_cc.so.2, or libtensorflow.so.2 where a development build was made against
 * tfjs' own libtensorflow download.
 */
function loadedLibraryPath(): string | null {
  try {
    const line = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .find((l) => l.endsWith('/libtensorflow_cc.so.2') || l.endsWith('/libtensorflow.so.2'));
    return line ? line.slice(line.indexOf('/')) : null;
  } catch {
    return null; // not Linux
  }
}

function tfjsVersion(tf: Tf): string {
  return (tf.version as Record<string, string>)['tfjs-core'] ?? 'unknown';
}

function pureJs(reason: string): { tf: Tf; info: BackendInfo } {
  console.error(`[masklens] ${reason}; falling back to the pure-JS cpu backend (slow).`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  void tf.setBackend('cpu');
  return {
    tf,
    info: {
      backend: 'cpu',
      fallbackReason: reason,
      tfjsVersion: tfjsVersion(tf),
      tensorflowVersion: null,
      libraryPath: null,
      libraryOrigin: null,
    },
  };
}

function native(): { tf: Tf; info: BackendInfo } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs-node') as Tf;
  const backend = nodeBackendSchema.safeParse(tf.backend());
  const info: BackendInfo = {
    backend: 'tensorflow',
    fallbackReason: null,
    tfjsVersion: tfjsVersion(tf),
    tensorflowVersion: backend.success ? backend.data.binding.TF_Version : null,
    libraryPath: loadedLibraryPath(),
    libraryOrigin: process.env[TENSORFLOW_ENV.origin] ?? null,
  };
  if (tf.getBackend() !== 'tensorflow')
    return {
      tf,
      info: {
        ...info,
        backend: 'cpu',
        fallbackReason: `tfjs-node loaded but the active backend is '${tf.getBackend()}'`,
      },
    };
  // The library a development build was made with is the binding's own; any other is checked.
  const source = process.env[TENSORFLOW_ENV.source];
  if (source === undefined || source === 'development') return { tf, info };
  const refused =
    info.tensorflowVersion === null
      ? 'the TensorFlow library did not report its version'
      : refusedTensorFlowVersion(info.tensorflowVersion);
  if (refused) {
    const reason = `${refused} (${info.libraryPath ?? 'library path unknown'})`;
    console.error(`[masklens] ${reason}; falling back to the pure-JS cpu backend (slow).`);
    void tf.setBackend('cpu');
    return { tf, info: { ...info, backend: 'cpu', fallbackReason: reason } };
  }
  return { tf, info };
}

export function loadTf(): { tf: Tf; info: BackendInfo } {
  if (loaded) return loaded;
  const unavailable = process.env[TENSORFLOW_ENV.unavailable];
  if (unavailable) loaded = pureJs(unavailable);
  else {
    try {
      loaded = native();
    } catch (nativeError) {
      loaded = pureJs(`native TensorFlow failed to load: ${describe(nativeError)}`);
    }
  }
  registerNonDifferentiable(loaded.tf);
  return loaded;
}

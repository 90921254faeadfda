/**
 * The environment the runtime process starts with. The dynamic loader reads LD_LIBRARY_PATH
 * once, when a process starts, and searches it before the binding's own RUNPATH; so the
 * process that loads tfjs-node's binding (in its worker threads) is started with the chosen
 * library's folder first in it. That is why the choice is made before the process starts, by
 * whoever starts it.
 */
import { TENSORFLOW_ENV } from '../core/protocol/tensorflowEnvironment';
import type { TensorFlowLibrary } from './library';

export type TensorFlowChoice = { library: TensorFlowLibrary } | { unavailable: string };

export function describeLibrary(library: TensorFlowLibrary): string {
  return `TensorFlow ${library.version ?? '(version unknown)'} from ${library.origin} (${library.dir})`;
}

export function runtimeEnvironment(choice: TensorFlowChoice, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env[TENSORFLOW_ENV.origin];
  delete env[TENSORFLOW_ENV.source];
  delete env[TENSORFLOW_ENV.unavailable];
  if ('unavailable' in choice) {
    env[TENSORFLOW_ENV.unavailable] = choice.unavailable;
    return env;
  }
  env.LD_LIBRARY_PATH = [choice.library.dir, base.LD_LIBRARY_PATH].filter((p) => !!p).join(':');
  env[TENSORFLOW_ENV.origin] = choice.library.origin;
  env[TENSORFLOW_ENV.source] = choice.library.source;
  return env;
}

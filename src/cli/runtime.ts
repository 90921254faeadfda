/**
 * TensorFlow for the CLI's tasks. They run in the same runtime process as the extension's
 * (dist/runtime.js beside the CLI), one worker, started with the TensorFlow library found the
 * same way: --tensorflow DIR; the development build's; the Python environments (the one on
 * PATH, VIRTUAL_ENV, CONDA_PREFIX, the current folder's .venv, the usual places); an earlier
 * download (the CLI's cache or the extension's); with consent (--download-tensorflow, or a yes
 * at the prompt on a terminal), a download into the user cache folder. TensorFlow's start-up
 * lines (oneDNN, CUDA, absl) stay in that process's stderr, shown only with --verbose.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ACCEPTED_TENSORFLOW_VERSIONS } from '../core/tensorflowVersions';
import { TaskCancelled } from '../pool/errors';
import { RuntimeClient } from '../runtimeProcess/client';
import { cacheRoots, userCacheRoot } from '../tensorflow/cache';
import { DownloadCancelled, downloadTensorFlow } from '../tensorflow/download';
import { findTensorFlow } from '../tensorflow/find';
import { describeLibrary, runtimeEnvironment, type TensorFlowChoice } from '../tensorflow/runtimeEnvironment';
import { TENSORFLOW_WHEEL } from '../tensorflow/wheel';
import { type CliIO, UsageError } from './options';

/** parseArgs descriptions of the options every command that runs TensorFlow takes. */
export const TENSORFLOW_OPTIONS = {
  tensorflow: { type: 'string' },
  'download-tensorflow': { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

export const TENSORFLOW_USAGE = `  --tensorflow DIR         the folder holding libtensorflow_cc.so.2 and libtensorflow_framework.so.2
  --download-tensorflow    download TensorFlow ${TENSORFLOW_WHEEL.version} from PyPI if none is found (${Math.round(TENSORFLOW_WHEEL.size / 1e6)} MB)
  --verbose                show TensorFlow's own start-up and log lines
`;

export interface TensorFlowOptions {
  dir?: string;
  download: boolean;
  verbose: boolean;
}

export function tensorflowOptions(values: {
  tensorflow?: string;
  'download-tensorflow'?: boolean;
  verbose?: boolean;
}): TensorFlowOptions {
  if (values.tensorflow === '') throw new UsageError('--tensorflow needs a folder');
  return { dir: values.tensorflow, download: values['download-tensorflow'] ?? false, verbose: values.verbose ?? false };
}

/**
 * The folder of the bundles: the CLI's own (dist/, or the npm package's), or, when the CLI runs
 * from its sources (the tests run it under tsx), the repository's dist/.
 */
function bundleDir(): string {
  return existsSync(join(__dirname, 'runtime.js')) ? __dirname : join(__dirname, '..', '..', 'dist');
}

/** The first python3 on PATH: its environment is the one the user's shell would run. */
function pythonOnPath(env: NodeJS.ProcessEnv): string[] {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'python3');
    if (dir && existsSync(candidate)) return [candidate];
  }
  return [];
}

async function askToDownload(io: CliIO): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `No TensorFlow ${ACCEPTED_TENSORFLOW_VERSIONS} found. Download TensorFlow ${TENSORFLOW_WHEEL.version} for CPU from PyPI (${Math.round(TENSORFLOW_WHEEL.size / 1e6)} MB) into ${userCacheRoot(homedir(), process.env)}? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
    io.stderr('');
  }
}

async function download(io: CliIO): Promise<TensorFlowChoice> {
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  let shown = -1;
  try {
    const library = await downloadTensorFlow({
      wheel: TENSORFLOW_WHEEL,
      cacheRoot: userCacheRoot(homedir(), process.env),
      signal: abort.signal,
      onProgress: ({ phase, done, total }) => {
        const tenth = Math.floor((10 * done) / total);
        const step = (phase === 'download' ? 0 : 11) + tenth;
        if (step === shown) return;
        shown = step;
        io.stderr(
          `${phase === 'download' ? 'downloading' : 'unpacking'} TensorFlow ${TENSORFLOW_WHEEL.version}: ${10 * tenth}%\n`,
        );
      },
    });
    return { library };
  } catch (error) {
    // Ctrl-C during the download stops the command, not just the download.
    if (error instanceof DownloadCancelled)
      throw new TaskCancelled('cancelled: the TensorFlow download was interrupted');
    return { unavailable: `the TensorFlow download failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Which library the task's process runs on; notes go to stderr. */
async function choose(options: TensorFlowOptions, io: CliIO): Promise<TensorFlowChoice> {
  const home = homedir();
  const found = await findTensorFlow({
    named: options.dir ? { dir: options.dir, source: 'option', origin: 'the --tensorflow option' } : undefined,
    distDir: bundleDir(),
    python: {
      interpreters: pythonOnPath(process.env),
      projectFolders: [process.cwd()],
      home,
      env: { VIRTUAL_ENV: process.env.VIRTUAL_ENV, CONDA_PREFIX: process.env.CONDA_PREFIX },
    },
    cacheRoots: cacheRoots(userCacheRoot(home, process.env), home, process.env),
  });
  if (options.verbose) for (const reason of found.refused) io.stderr(`note: TensorFlow not used: ${reason}\n`);
  if (found.library) return { library: found.library };
  if (found.namedRefused) throw new UsageError(`--tensorflow: ${found.namedRefused}`);
  if (options.download || (await askToDownload(io))) return download(io);
  return {
    unavailable: `no TensorFlow ${ACCEPTED_TENSORFLOW_VERSIONS} was found (give one with --tensorflow DIR, or let MaskLens download it with --download-tensorflow)`,
  };
}

/** A runtime process client for one CLI run; close it when done. */
export function cliRuntime(options: TensorFlowOptions, io: CliIO, workers = 1): RuntimeClient {
  return new RuntimeClient({
    runtimeFile: join(bundleDir(), 'runtime.js'),
    settings: { workers, maxQueue: Math.max(4, workers), memoryCapMB: 2048 },
    environment: async () => {
      const choice = await choose(options, io);
      if (options.verbose)
        io.stderr(
          `TensorFlow: ${'library' in choice ? describeLibrary(choice.library) : `none (${choice.unavailable})`}\n`,
        );
      return runtimeEnvironment(choice, process.env);
    },
    log: {
      debug: (line) => options.verbose && io.stderr(`${line}\n`),
      info: (line) => options.verbose && io.stderr(`${line}\n`),
      warn: (line) => io.stderr(`${line}\n`),
      error: (line) => io.stderr(`${line}\n`),
    },
  });
}

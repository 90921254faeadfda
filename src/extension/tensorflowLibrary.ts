/**
 * TensorFlow on first use: when TensorFlow's process is about to start (the first task), this
 * decides which TensorFlow C library it runs on, and so the environment it starts with. In
 * order: the folder in `masklens.tensorflow.libraryFolder`; a TensorFlow in the user's Python
 * environments (the interpreter the Python extension selected, `python.defaultInterpreterPath`,
 * the workspace's own environments when it is trusted, the usual places), read from disk and
 * never by running Python; an earlier download; with the user's consent, a download of the
 * tensorflow-cpu wheel from PyPI (progress, cancel) into the extension's global storage;
 * otherwise the pure-JS backend, whose results say why.
 *
 * Loading a library is running native code, so a workspace cannot choose it: both settings are
 * machine-scoped, an untrusted workspace's own environments are not looked in, and only the
 * user's own `python.defaultInterpreterPath` counts there, and no selected interpreter inside the workspace.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { z } from 'zod';
import { ACCEPTED_TENSORFLOW_VERSIONS } from '../core/tensorflowVersions';
import { isInside } from '../core/pathInside';
import { cacheRoots } from '../tensorflow/cache';
import { DownloadCancelled, downloadTensorFlow } from '../tensorflow/download';
import { findTensorFlow } from '../tensorflow/find';
import { checkLibrary, type TensorFlowLibrary } from '../tensorflow/library';
import { describeLibrary, runtimeEnvironment, type TensorFlowChoice } from '../tensorflow/runtimeEnvironment';
import { TENSORFLOW_WHEEL } from '../tensorflow/wheel';
import { log } from './log';

type DownloadConsent = 'ask' | 'always' | 'never';

/** What the Python extension's API offers, as far as MaskLens reads it. */
const pythonApiSchema = z.object({
  environments: z.object({
    getActiveEnvironmentPath: z.custom<(resource?: vscode.Uri) => unknown>((f) => typeof f === 'function'),
  }),
});
const environmentPathSchema = z.object({ path: z.string() });

const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

export class TensorFlowLibraryChooser {
  /** The user declined the download in this window: not asked again until the window reloads. */
  private declined = false;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** A TensorFlow setting changed: the next process chooses again, and may ask again. */
  reset(): void {
    this.declined = false;
  }

  /** The environment TensorFlow's next process starts with. */
  async environment(): Promise<NodeJS.ProcessEnv> {
    const choice = await this.choose();
    if ('library' in choice) log().info(`TensorFlow's process runs on ${describeLibrary(choice.library)}.`);
    else log().warn(`TensorFlow's process runs on the pure-JS backend: ${choice.unavailable}`);
    return runtimeEnvironment(choice, process.env);
  }

  private get downloadRoot(): string {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'tensorflow').fsPath;
  }

  /** The interpreters the user chose, read without running Python. */
  private interpreters(): string[] {
    const out: string[] = [];
    const python = vscode.extensions.getExtension('ms-python.python');
    // Only an active Python extension is asked: activating it would make it start Python itself.
    const api = python?.isActive ? pythonApiSchema.safeParse(python.exports) : undefined;
    if (api?.success) {
      const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
      const active = environmentPathSchema.safeParse(api.data.environments.getActiveEnvironmentPath(resource));
      if (active.success) out.push(active.data.path);
    }
    const setting = vscode.workspace.getConfiguration('python').inspect<string>('defaultInterpreterPath');
    const chosen = vscode.workspace.isTrusted
      ? (setting?.workspaceFolderValue ?? setting?.workspaceValue ?? setting?.globalValue)
      : setting?.globalValue;
    if (chosen && chosen !== 'python' && chosen.includes('/')) out.push(chosen);
    if (vscode.workspace.isTrusted) return out;
    // An interpreter inside an untrusted workspace (its .venv) would load the repository's native code.
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return out.filter((interpreter) => !folders.some((folder) => isInside(folder, interpreter)));
  }

  private async choose(): Promise<TensorFlowChoice> {
    const config = vscode.workspace.getConfiguration('masklens.tensorflow');
    const folder = config.get<string>('libraryFolder', '').trim();
    const home = os.homedir();
    const found = await findTensorFlow({
      named: folder
        ? { dir: folder, source: 'setting', origin: 'the masklens.tensorflow.libraryFolder setting' }
        : undefined,
      distDir: vscode.Uri.joinPath(this.context.extensionUri, 'dist').fsPath,
      python: {
        interpreters: this.interpreters(),
        projectFolders: vscode.workspace.isTrusted
          ? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)
          : [],
        home,
        env: { VIRTUAL_ENV: process.env.VIRTUAL_ENV, CONDA_PREFIX: process.env.CONDA_PREFIX },
      },
      cacheRoots: cacheRoots(this.downloadRoot, home, process.env),
    });
    for (const reason of found.refused) log().info(`TensorFlow not used: ${reason}.`);
    if (found.library) return { library: found.library };
    if (found.namedRefused) {
      void vscode.window.showWarningMessage(
        `MaskLens cannot use masklens.tensorflow.libraryFolder: ${found.namedRefused}. Tasks run on the slow pure-JS backend.`,
      );
      return {
        unavailable: `the masklens.tensorflow.libraryFolder setting names a folder MaskLens cannot use: ${found.namedRefused}`,
      };
    }
    return this.download(config.get<DownloadConsent>('download', 'ask'), found.refused);
  }

  private async download(consent: DownloadConsent, refused: string[]): Promise<TensorFlowChoice> {
    const none = `no TensorFlow ${ACCEPTED_TENSORFLOW_VERSIONS} was found (in a Python environment, or downloaded before)${refused.length ? `; refused: ${refused.join('; ')}` : ''}`;
    if (consent === 'never') return { unavailable: `${none}, and masklens.tensorflow.download is 'never'` };
    if (this.declined) return { unavailable: `${none}, and its download was declined in this window` };
    if (consent === 'ask') {
      const DOWNLOAD = 'Download';
      const CHOOSE = 'Choose Folder…';
      const answer = await vscode.window.showInformationMessage(
        `MaskLens runs models on native TensorFlow, and found none on this machine. Download TensorFlow ${TENSORFLOW_WHEEL.version} for CPU (the tensorflow-cpu wheel from the Python package index: ${mb(TENSORFLOW_WHEEL.size)}, ${mb(TENSORFLOW_WHEEL.extractedSize)} on disk, kept for every workspace)? Without it, tasks run on a slow pure-JS backend.`,
        DOWNLOAD,
        CHOOSE,
        'Use Slow Backend',
      );
      if (answer === CHOOSE) return this.chooseFolder();
      if (answer !== DOWNLOAD) {
        this.declined = true;
        return { unavailable: `${none}, and its download was declined` };
      }
    }
    return this.downloadWithProgress();
  }

  private async chooseFolder(): Promise<TensorFlowChoice> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      title: 'Folder with libtensorflow_cc.so.2 and libtensorflow_framework.so.2',
    });
    const dir = picked?.[0]?.fsPath;
    if (!dir) return { unavailable: 'no TensorFlow folder was chosen' };
    const checked = await checkLibrary(dir, 'setting', 'the masklens.tensorflow.libraryFolder setting');
    if (!checked.ok) {
      void vscode.window.showErrorMessage(`MaskLens cannot use ${dir}: ${checked.reason}.`);
      return { unavailable: checked.reason };
    }
    await vscode.workspace
      .getConfiguration('masklens.tensorflow')
      .update('libraryFolder', dir, vscode.ConfigurationTarget.Global);
    return { library: checked.library };
  }

  private async downloadWithProgress(): Promise<TensorFlowChoice> {
    const started = performance.now();
    try {
      const library: TensorFlowLibrary = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `MaskLens: downloading TensorFlow ${TENSORFLOW_WHEEL.version}`,
          cancellable: true,
        },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let shown = 0;
          return downloadTensorFlow({
            wheel: TENSORFLOW_WHEEL,
            cacheRoot: this.downloadRoot,
            signal: abort.signal,
            onProgress: ({ phase, done, total }) => {
              const percent = Math.floor((100 * done) / total);
              const step = (phase === 'download' ? 0 : 100) + percent; // two phases, one bar
              if (step <= shown) return;
              progress.report({
                increment: (step - shown) / 2,
                message: `${phase === 'download' ? 'downloading' : 'unpacking'} ${mb(done)} of ${mb(total)}`,
              });
              shown = step;
            },
          });
        },
      );
      log().info(
        `Downloaded and checked ${TENSORFLOW_WHEEL.filename} (sha256 ${TENSORFLOW_WHEEL.sha256}) in ${((performance.now() - started) / 1000).toFixed(1)} s into ${library.dir}.`,
      );
      return { library };
    } catch (error) {
      if (error instanceof DownloadCancelled) {
        this.declined = true;
        return { unavailable: 'the TensorFlow download was cancelled' };
      }
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(
        `MaskLens could not download TensorFlow: ${message}. Tasks run on the slow pure-JS backend.`,
      );
      return { unavailable: `the TensorFlow download failed: ${message}` };
    }
  }
}

/**
 * Downloads the pinned TensorFlow wheel into a cache folder, only ever with the user's consent
 * (the callers ask). The wheel streams to a temporary file while its sha256 is computed; a
 * wrong checksum or size keeps nothing. The kept files are extracted (yauzl: zip entries are
 * inflated by zlib off the calling thread) into a temporary folder, the manifest is written last,
 * and the folder is renamed into place in one step, so a cancelled or failed download, or a
 * second window downloading at the same time, never leaves a half entry behind.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { get } from 'node:https';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { MANIFEST, type Manifest, readManifest } from './cache';
import { checkLibrary, type TensorFlowLibrary } from './library';
import { cacheFolderName, type PinnedWheel } from './wheel';

export interface DownloadProgress {
  phase: 'download' | 'extract';
  /** Bytes done and to do in this phase. */
  done: number;
  total: number;
}

export interface DownloadOptions {
  wheel: PinnedWheel;
  /** The cache folder the library is kept in (created if need be). */
  cacheRoot: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** A download that receives nothing for this long fails. */
  idleTimeoutMs?: number;
}

/** The user (or the program closing) stopped the download. */
export class DownloadCancelled extends Error {
  constructor() {
    super('the TensorFlow download was cancelled');
  }
}

/** The space a download needs beyond what it keeps: the wheel itself, while it is extracted. */
async function ensureSpace(dir: string, bytes: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < bytes) {
    const mb = (n: number) => `${Math.ceil(n / 1e6)} MB`;
    throw new Error(`${dir} has ${mb(free)} free, and the TensorFlow download needs ${mb(bytes)}`);
  }
}

function request(url: string, signal: AbortSignal | undefined, redirects = 5): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(url, { signal }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && redirects > 0) {
        response.resume();
        resolve(request(new URL(location, url).href, signal, redirects - 1));
      } else if (status !== 200) {
        response.resume();
        reject(new Error(`${url} answered HTTP ${status}`));
      } else resolve(response);
    });
    req.on('error', (error) => reject(signal?.aborted ? new DownloadCancelled() : error));
  });
}

/** Streams `url` into `file`; returns the sha256 of what arrived. */
async function fetchTo(url: string, file: string, options: DownloadOptions): Promise<string> {
  const { signal, onProgress, wheel } = options;
  const response = await request(url, signal);
  const hash = createHash('sha256');
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      done += chunk.length;
      onProgress?.({ phase: 'download', done, total: wheel.size });
      callback(null, chunk);
    },
  });
  const idleMs = options.idleTimeoutMs ?? 60_000;
  response.setTimeout(idleMs, () =>
    response.destroy(new Error(`no data arrived from ${new URL(url).host} for ${idleMs / 1000} s`)),
  );
  try {
    await pipeline(response, counter, createWriteStream(file), { signal });
  } catch (error) {
    throw signal?.aborted ? new DownloadCancelled() : error;
  }
  if (done !== wheel.size)
    throw new Error(`the download of ${wheel.filename} ended after ${done} of ${wheel.size} bytes`);
  return hash.digest('hex');
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
}

/** Extracts the wheel's kept entries into `into`, under their kept names; returns their sizes. */
async function extract(file: string, options: DownloadOptions, into: string): Promise<Record<string, number>> {
  const { wheel, signal, onProgress } = options;
  const zip = await openZip(file);
  const sizes: Record<string, number> = {};
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = wheel.keep[entry.fileName];
        if (name === undefined) return zip.readEntry();
        void (async () => {
          if (signal?.aborted) throw new DownloadCancelled();
          const stream = await entryStream(zip, entry);
          const counter = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              done += chunk.length;
              onProgress?.({ phase: 'extract', done, total: wheel.extractedSize });
              callback(null, chunk);
            },
          });
          await pipeline(stream, counter, createWriteStream(join(into, name), { mode: 0o644 }), { signal });
          sizes[name] = entry.uncompressedSize;
          zip.readEntry();
        })().catch((error: unknown) => reject(signal?.aborted ? new DownloadCancelled() : error));
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  const missing = Object.keys(wheel.keep).filter((path) => sizes[wheel.keep[path]] === undefined);
  if (missing.length > 0) throw new Error(`${wheel.filename} holds no ${missing.join(', ')}`);
  return sizes;
}

/**
 * Downloads, checks and extracts the wheel into `cacheRoot`, and returns the library there. If
 * another download of the same wheel finished first, its complete entry is used.
 */
export async function downloadTensorFlow(options: DownloadOptions): Promise<TensorFlowLibrary> {
  const { wheel, cacheRoot } = options;
  await mkdir(cacheRoot, { recursive: true });
  await ensureSpace(cacheRoot, wheel.size + wheel.extractedSize);
  const work = await mkdtemp(join(cacheRoot, '.download-'));
  try {
    const wheelFile = join(work, wheel.filename);
    const sha256 = await fetchTo(wheel.url, wheelFile, options);
    if (sha256 !== wheel.sha256) {
      throw new Error(
        `the downloaded ${wheel.filename} is not the file MaskLens expects (its sha256 is ${sha256}, not ${wheel.sha256}); nothing was kept`,
      );
    }
    const library = join(work, 'library');
    await mkdir(library);
    const files = await extract(wheelFile, options, library);
    await rm(wheelFile);
    const manifest: Manifest = {
      version: wheel.version,
      wheel: { filename: wheel.filename, url: wheel.url, sha256, size: wheel.size },
      files,
      downloadedAt: new Date().toISOString(),
    };
    await writeFile(join(library, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const final = join(cacheRoot, cacheFolderName(wheel));
    try {
      await rename(library, final);
    } catch (error) {
      // Another window or the CLI renamed its complete download into place first: use that one.
      if (
        !(await stat(final).then(
          () => true,
          () => false,
        )) ||
        'reason' in (await readManifest(final))
      )
        throw error;
    }
    const checked = await checkLibrary(final, 'download', `a download of ${wheel.filename} into ${dirname(final)}`);
    if (!checked.ok) throw new Error(checked.reason);
    return checked.library;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

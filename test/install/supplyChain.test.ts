/**
 * The install step downloads nothing it has not pinned: the Python reference environment comes
 * from a lock with a SHA-256 for every package (pip --require-hashes), and where the tfjs CDN
 * is used the libtensorflow archive is fetched over https only and checked against its pinned
 * SHA-256 before it is unpacked. Checked here against a real https server on this machine (a
 * throwaway self-signed certificate) and the real setup script.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const root = join(__dirname, '..', '..');
const setup = join(root, 'tools', 'native-setup', 'setup.js');
const dir = mkdtempSync(join(tmpdir(), 'masklens-install-'));
const archive = Buffer.from('a libtensorflow archive, as far as this test is concerned');
const archiveSha = createHash('sha256').update(archive).digest('hex');
let server: Server;
let base = '';

before(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, res) => {
      if (req.url === '/archive.tar.gz') return res.end(archive);
      if (req.url === '/moved') return res.writeHead(302, { location: '/archive.tar.gz' }).end();
      if (req.url === '/to-http') return res.writeHead(302, { location: 'http://127.0.0.1:1/archive.tar.gz' }).end();
      res.writeHead(404).end();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server?.close());

/** Calls setup.js's downloadVerified in a process that trusts the test's certificate (asynchronously: this process serves it). */
function fetchPinned(url: string, sha256: string): Promise<{ ok: boolean; message: string; file: string }> {
  const file = join(dir, `download-${Math.random().toString(36).slice(2)}.tar.gz`);
  const script = `require(${JSON.stringify(setup)}).downloadVerified({ url: ${JSON.stringify(url)}, sha256: ${JSON.stringify(sha256)} }, ${JSON.stringify(file)})
    .then(() => console.log('ok'), (e) => { console.log(e.message); process.exitCode = 1; });`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ ok: code === 0, message: out.trim(), file })));
}

test('an archive whose SHA-256 matches the pin is kept, also behind an https redirect', async () => {
  for (const path of ['/archive.tar.gz', '/moved']) {
    const r = await fetchPinned(`${base}${path}`, archiveSha);
    assert.ok(r.ok, r.message);
    assert.deepEqual(readFileSync(r.file), archive);
  }
});

test('an archive whose SHA-256 differs from the pin is refused and removed', async () => {
  const r = await fetchPinned(`${base}/archive.tar.gz`, '0'.repeat(64));
  assert.equal(r.ok, false);
  assert.equal(
    r.message,
    `${base}/archive.tar.gz has SHA-256 ${archiveSha}, not the pinned ${'0'.repeat(64)}; it was not used`,
  );
  assert.equal(existsSync(r.file), false);
});

test('plain http is refused, as a source and as a redirect', async () => {
  assert.equal(
    (await fetchPinned('http://127.0.0.1:1/archive.tar.gz', archiveSha)).message,
    'refusing to download http://127.0.0.1:1/archive.tar.gz: not https',
  );
  assert.equal(
    (await fetchPinned(`${base}/to-http`, archiveSha)).message,
    'refusing to download http://127.0.0.1:1/archive.tar.gz: not https',
  );
});

test('an http CDN override fails the install step before it does anything', () => {
  const r = spawnSync(process.execPath, [setup], {
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: root, TFJS_NODE_CDN_STORAGE: 'http://mirror.example/' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ERROR: a libtensorflow download source is not https\./);
  assert.match(r.stderr, /TFJS_NODE_CDN_STORAGE=http:\/\/mirror\.example\/ is not an https URL/);
  assert.doesNotMatch(r.stdout, /venv|Staged|patch/);
});

test("the pinned archive is the libtensorflow version tfjs-node's install script asks for", () => {
  const constants = readFileSync(
    join(root, 'node_modules', '@tensorflow', 'tfjs-node', 'scripts', 'deps-constants.js'),
    'utf8',
  );
  const version = /const LIBTENSORFLOW_VERSION = '([^']+)'/.exec(constants)?.[1];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LIBTENSORFLOW } = require(setup) as { LIBTENSORFLOW: Record<string, { url: string; sha256: string }> };
  assert.ok(
    LIBTENSORFLOW['linux-x64'].url.endsWith(`libtensorflow-cpu-linux-x86_64-${version}.tar.gz`),
    LIBTENSORFLOW['linux-x64'].url,
  );
  for (const pin of Object.values(LIBTENSORFLOW)) assert.match(pin.sha256, /^[0-9a-f]{64}$/);
});

test('the Python lock pins every package with hashes, at the versions requirements-python.txt asks for', () => {
  const lock = readFileSync(join(root, 'requirements-python.lock'), 'utf8');
  const entries = lock.split(/\n(?=[a-z0-9])/i).filter((e) => /^[a-z0-9][\w.-]*==/i.test(e));
  assert.ok(entries.length >= 20, `only ${entries.length} packages locked`);
  for (const e of entries) assert.match(e, /--hash=sha256:[0-9a-f]{64}/, `${e.split('\n')[0]} has no hash`);
  const wanted = readFileSync(join(root, 'requirements-python.txt'), 'utf8')
    .split('\n')
    .filter((l) => /^[a-z]/i.test(l));
  for (const pin of wanted)
    assert.ok(
      entries.some((e) => e.startsWith(`${pin.trim()} `)),
      `${pin} is not in the lock: run pip-compile again (README)`,
    );
  assert.doesNotMatch(
    lock,
    /--find-links|--index-url|--extra-index-url/,
    'the lock names a machine-specific package source',
  );
});

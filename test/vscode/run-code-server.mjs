#!/usr/bin/env node
// Runs the integration suite inside a real VS Code, offline: code-server (installed into
// ~/.cache/masklens/code-server by ./install-code-server.mjs) serves the real workbench and extension host on
// 127.0.0.1, Debian's Chromium driven by playwright-core opens it with the extension under
// development and the suite as `extensionTestsPath`, and VS Code's own test runner reports the
// suite's exit code through `window.codeAutomationExit` (exposed with page.exposeFunction).
//
// The workbench URL:
//   http://127.0.0.1:PORT/?folder=vscode-remote://127.0.0.1:PORT<workspace>
//     &payload=[["extensionDevelopmentPath","vscode-remote://127.0.0.1:PORT<extension root>"],
//               ["extensionTestsPath","vscode-remote://127.0.0.1:PORT<dist/test/integration>"]]
// (both query values URI-encoded). The vscode-remote authority is the page's own host
// (`location.host`), which is the remote authority code-server's workbench uses for the URIs it
// creates itself. (Tried: with `localhost:PORT` instead, files still resolve over the single
// connection and the suite passes, but the workbench then treats the opened file as outside the
// workspace folder, e.g. in the breadcrumbs; so keep the two identical.)
//
// Screenshots: the suite asks for them through files (see test/integration/screenshot.ts); this
// harness saves test-results/<name>.png, and always test-results/workbench-final.png at the end.
// Browser actions travel the same way (`<name>.action` → `<name>.result`): a real mouse click on a
// CodeLens, a read of the webviews' DOM, or typing into the editor while timing what appears
// (see browserAction in test/integration/screenshot.ts).
//
// A dead extension host fails the run. When it dies (SIGABRT, SIGSEGV, V8's fatal errors), the
// workbench still reports exit code 0 through codeAutomationExit, so that code alone proves
// nothing: the suite writes MASKLENS_SUITE_DONE (a file in the requests folder) when mocha has
// finished, and the harness fails when it is missing, naming the signal from code-server's own
// "Extension Host Process exited with code: …, signal: …" line.
//
// The window: a folder (the default, examples/), a multi-root workspace (a `.code-workspace`
// file, opened with `?workspace=`), or `--workspace none` for a window without a folder, where a
// single file is opened (as when a user opens one .py from their file manager).
//
// Usage: node test/vscode/run-code-server.mjs [--workspace DIR|FILE.code-workspace|none] [--extension DIR] [--tests DIR]
//                                             [--results DIR] [--timeout MS]
// Env equivalents: MASKLENS_TEST_WORKSPACE, MASKLENS_EXTENSION_PATH, MASKLENS_TESTS_PATH,
// MASKLENS_RESULTS_DIR, MASKLENS_VSCODE_TIMEOUT_MS; MASKLENS_THEME (workbench colour theme),
// MASKLENS_BROWSER_CONSOLE=all|tests (default all) to filter the forwarded browser console.
// Exit code: the suite's; 1 when the harness fails; 124 when the overall timeout expires.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { codeServerEntry, ensureAll, repoRoot } from './install-code-server.mjs';

const log = (m) => console.log(`[code-server-harness] ${m}`);

export function parseOptions(argv = process.argv.slice(2), env = process.env) {
  const o = {
    workspace: env.MASKLENS_TEST_WORKSPACE ?? join(repoRoot, 'examples'),
    extension: env.MASKLENS_EXTENSION_PATH ?? repoRoot,
    tests: env.MASKLENS_TESTS_PATH ?? join(repoRoot, 'dist', 'test', 'integration'),
    results: env.MASKLENS_RESULTS_DIR ?? join(repoRoot, 'test-results'),
    timeoutMs: Number(env.MASKLENS_VSCODE_TIMEOUT_MS ?? 15 * 60_000),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--workspace') o.workspace = next();
    else if (a === '--extension') o.extension = next();
    else if (a === '--tests') o.tests = next();
    else if (a === '--results') o.results = next();
    else if (a === '--timeout') o.timeoutMs = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['workspace', 'extension', 'tests', 'results']) if (o[k] !== 'none') o[k] = resolve(o[k]);
  if (!(o.timeoutMs > 0)) throw new Error('the timeout must be a positive number of milliseconds');
  return o;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, isDead) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (isDead()) throw new Error('code-server exited before it answered');
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/** Text of every frame (the workbench and each webview's nested frames). */
async function framesText(page) {
  const parts = [];
  for (const frame of page.frames()) {
    try {
      const text = await frame.evaluate(() => document.body?.innerText ?? '');
      parts.push(`--- frame ${frame.url().slice(0, 120)}\n${text}`);
    } catch (error) {
      parts.push(`--- frame ${frame.url().slice(0, 120)} (unreadable: ${error.message})`);
    }
  }
  return parts.join('\n');
}

/** What the suite needs to know about each webview document (see test/integration/screenshot.ts). */
async function webviewDom(page) {
  const out = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    try {
      const dom = await frame.evaluate(() => {
        const body = document.body;
        if (!body || !/\bvscode-/.test(body.className)) return null;
        const style = getComputedStyle(document.documentElement);
        return {
          url: location.href.slice(0, 160),
          bodyClass: body.className,
          strips: document.querySelectorAll('.ml-strip').length,
          droppedStrips: document.querySelectorAll('.ml-strip.ml-dropped').length,
          heatmapCanvases: document.querySelectorAll('.ml-heatmap-slot canvas').length,
          canvasIds: [...document.querySelectorAll('canvas')].map((c) => c.id),
          grids: [...document.querySelectorAll('vscode-data-grid, table.ml-table')].map((g) => ({
            id: g.id,
            text: [...g.querySelectorAll('vscode-data-grid-row, tr')]
              .map((r) =>
                [...r.querySelectorAll('vscode-data-grid-cell, th, td')].map((c) => c.textContent.trim()).join(' | '),
              )
              .join('\n'),
          })),
          foreground: style.getPropertyValue('--vscode-foreground').trim(),
          editorBackground: style.getPropertyValue('--vscode-editor-background').trim(),
        };
      });
      if (dom) out.push(dom);
    } catch {
      /* a frame that went away */
    }
  }
  return out;
}

/**
 * Types `text` into the focused editor, one key every `delayMs` ms (a person typing), then watches
 * the page until a CodeLens whose tooltip starts with `lensTooltipPrefix` and a squiggle on the
 * line holding `squiggleLineText` are both in the DOM. Times come from the page's own clock: the
 * last keydown, and the first DOM mutation after it at which each is there (a MutationObserver,
 * so before the frame that paints it). Returns ms after the last key (null if not seen in time).
 */
async function typeAndWatch(page, action) {
  await page.evaluate(({ lensTooltipPrefix, squiggleLineText }) => {
    // one watcher at a time: the previous action's listener and observer go
    globalThis.__masklensTypingStop?.();
    const state = { lastKey: 0, lastKeyEpoch: 0, lens: null, squiggle: null };
    globalThis.__masklensTyping = state;
    const text = (e) => (e.textContent ?? '').replace(/\u00a0/g, ' ');
    const lens = () =>
      [...document.querySelectorAll('.codelens-decoration a')].some((a) =>
        (a.getAttribute('title') ?? '').startsWith(lensTooltipPrefix),
      );
    const squiggle = () => {
      const line = [...document.querySelectorAll('.view-lines .view-line')].find((l) =>
        text(l).includes(squiggleLineText),
      );
      if (!line) return false;
      return [...document.querySelectorAll('.view-overlays > div')].some(
        (d) => d.style.top === line.style.top && d.querySelector('[class*="squiggly-"]'),
      );
    };
    const check = () => {
      if (!state.lastKey) return;
      const now = performance.now();
      if (state.lens === null && lens()) state.lens = now;
      if (state.squiggle === null && squiggle()) state.squiggle = now;
    };
    const onKey = () => {
      state.lastKey = performance.now();
      state.lastKeyEpoch = Date.now();
      state.lens = state.squiggle = null;
    };
    window.addEventListener('keydown', onKey, true);
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    globalThis.__masklensTypingStop = () => {
      window.removeEventListener('keydown', onKey, true);
      observer.disconnect();
    };
  }, action);
  await page.keyboard.type(action.text, { delay: action.delayMs });
  const deadline = Date.now() + (action.timeoutMs ?? 10_000);
  let state;
  do {
    await page.waitForTimeout(50);
    state = await page.evaluate(() => globalThis.__masklensTyping);
  } while ((state.lens === null || state.squiggle === null) && Date.now() < deadline);
  const after = (t) => (t === null ? null : Math.round((t - state.lastKey) * 10) / 10);
  return { lastKeyEpochMs: state.lastKeyEpoch, lensMs: after(state.lens), squiggleMs: after(state.squiggle) };
}

/** Performs one browser action requested by the suite. */
async function performAction(page, action) {
  if (action.kind === 'type-and-watch') return typeAndWatch(page, action);
  if (action.kind === 'click-codelens') {
    const link = page.locator('.codelens-decoration a', { hasText: action.title }).first();
    await link.waitFor({ state: 'visible', timeout: 30_000 });
    await link.click(); // a real mouse click at the element's centre
    return { clicked: action.title };
  }
  if (action.kind === 'click-notification-button') {
    // A button of a notification toast (e.g. MaskLens' consent to download TensorFlow), clicked as a user would.
    const button = page.locator('.notification-toast .monaco-button', { hasText: action.title }).first();
    await button.waitFor({ state: 'visible', timeout: action.timeoutMs ?? 60_000 });
    await button.click();
    return { clicked: action.title };
  }
  if (action.kind === 'webview-dom') return webviewDom(page);
  if (action.kind === 'workbench-theme') {
    return page.evaluate(() => {
      const wb = document.querySelector('.monaco-workbench');
      const editor = document.querySelector('.monaco-editor .monaco-editor-background');
      return {
        workbenchClass: wb?.className ?? '',
        workbenchBackground: wb ? getComputedStyle(wb).backgroundColor : '',
        editorBackground: editor ? getComputedStyle(editor).backgroundColor : '',
      };
    });
  }
  if (action.kind === 'click-webview') return clickWebview(page, action.selector);
  if (action.kind === 'quick-input') {
    // VS Code's quick input (code-server's file dialog is one): replace its text, then Enter
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    const title =
      (await page
        .locator('.quick-input-widget .quick-input-title')
        .textContent()
        .catch(() => '')) ?? '';
    await input.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(action.text, { delay: 5 });
    await page.waitForTimeout(400);
    await page.keyboard.press('Enter');
    return { title: title.trim(), typed: action.text };
  }
  if (action.kind === 'webview-layout') return webviewLayout(page);
  if (action.kind === 'axe') return axeInWebviews(page);
  if (action.kind === 'viewport') {
    await page.setViewportSize({ width: action.width, height: action.height });
    return { width: action.width, height: action.height };
  }
  throw new Error(`unknown action kind ${action.kind}`);
}

/** The webview frames that hold a MaskLens document (the panel or a view), newest last. */
function maskLensFrames(page) {
  return page.frames().filter((f) => f !== page.mainFrame());
}

/** A real mouse click on the first element matching `selector` in any webview document. */
async function clickWebview(page, selector) {
  for (const frame of maskLensFrames(page)) {
    const target = frame.locator(selector).first();
    if ((await target.count().catch(() => 0)) === 0) continue;
    await target.scrollIntoViewIfNeeded();
    await target.click();
    return { clicked: selector };
  }
  throw new Error(`no webview element matches ${selector}`);
}

/** Per webview document: its width, how wide its content is, and each table's and button row's overflow. */
async function webviewLayout(page) {
  const out = [];
  for (const frame of maskLensFrames(page)) {
    const layout = await frame
      .evaluate(() => {
        if (!document.body || !/\bvscode-/.test(document.body.className) || !document.getElementById('app'))
          return null;
        const box = (el) => ({
          id: el.id || el.className || el.tagName,
          clientWidth: el.clientWidth,
          scrollWidth: el.scrollWidth,
          right: Math.round(el.getBoundingClientRect().right),
        });
        return {
          url: location.href.slice(0, 160),
          viewportWidth: document.documentElement.clientWidth,
          scrollWidth: document.documentElement.scrollWidth,
          tables: [...document.querySelectorAll('table')].map(box),
          cards: [...document.querySelectorAll('.ml-summary, .ml-error-card, .ml-run-header')].map(box),
          // the innermost elements that reach past the right edge: what makes the page scroll sideways
          overflowing: [...document.querySelectorAll('body *')]
            .filter(
              (e) =>
                e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 &&
                ![...e.children].some(
                  (c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1,
                ),
            )
            .slice(0, 8)
            .map(
              (e) =>
                `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : ''} right=${Math.round(e.getBoundingClientRect().right)}`,
            ),
        };
      })
      .catch(() => null);
    if (layout) out.push(layout);
  }
  return out;
}

/**
 * Runs axe-core's colour-contrast rule (WCAG 2 AA: 4.5:1 for text, 3:1 for large text) inside
 * every webview document that holds MaskLens content, with the theme VS Code gave it.
 */
async function axeInWebviews(page) {
  const source = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const out = [];
  for (const frame of maskLensFrames(page)) {
    const isOurs = await frame
      .evaluate(() => !!document.getElementById('app') && /\bvscode-/.test(document.body?.className ?? ''))
      .catch(() => false);
    if (!isOurs) continue;
    await frame.evaluate(source);
    const result = await frame.evaluate(async () => {
      const r = await globalThis.axe.run(document, {
        runOnly: { type: 'rule', values: ['color-contrast'] },
        resultTypes: ['violations', 'passes', 'incomplete'],
      });
      const nodes = (list) =>
        list.flatMap((rule) =>
          rule.nodes.map((n) => ({
            target: n.target.join(' '),
            summary: (n.failureSummary ?? '').slice(0, 300),
            html: n.html.slice(0, 160),
          })),
        );
      return {
        bodyClass: document.body.className,
        violations: nodes(r.violations),
        passes: r.passes.reduce((k, rule) => k + rule.nodes.length, 0),
        incomplete: r.incomplete.reduce((k, rule) => k + rule.nodes.length, 0),
      };
    });
    out.push({ url: frame.url().slice(0, 160), ...result });
  }
  return out;
}

/** Writes a file so that a reader polling for it never sees it half-written. */
function writeAtomic(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * Formats console arguments the way a browser console shows them: a string argument holding
 * printf-style specifiers consumes the arguments after it (`%c` consumes CSS and prints nothing).
 * VS Code forwards the extension host's console as `('%c INFO', 'color: #33f', fmt, ...args)`,
 * with mocha's own format string in the middle, so every string argument is treated as a format.
 */
export function formatConsoleArgs(values) {
  const out = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'string') {
      out.push(String(v));
      continue;
    }
    out.push(
      v.replace(/%([sdifoOjc%])/g, (m, spec) => {
        if (spec === '%') return '%';
        if (i + 1 >= values.length) return m;
        const arg = values[++i];
        if (spec === 'c') return '';
        if (spec === 'd' || spec === 'i') return String(Number.parseInt(String(arg), 10));
        if (spec === 'f') return String(Number.parseFloat(String(arg)));
        return String(arg);
      }),
    );
  }
  return out.join(' ').replace(/\s+$/, '');
}

async function consoleText(msg) {
  try {
    const values = await Promise.all(
      msg.args().map((h) =>
        h.evaluate((v) => {
          if (typeof v === 'string') return v;
          if (v instanceof Error) return v.stack ?? String(v);
          try {
            return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
          } catch {
            return String(v);
          }
        }),
      ),
    );
    return values.length ? formatConsoleArgs(values) : msg.text();
  } catch {
    return msg.text(); // the frame went away
  }
}

/**
 * Runs the suite once. Besides parseOptions()' fields, callers may give `userDataDir` and
 * `extensionsDir` (a profile that outlives this run, e.g. one a .vsix was installed into: then
 * they are neither made nor removed here), `settings` (more user settings) and `env` (more
 * environment for code-server and so for the extension host, e.g. another HOME).
 */
export async function runInCodeServer(options = parseOptions()) {
  const t0 = Date.now();
  const { workspace, extension, tests, results, timeoutMs } = options;
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const noFolder = workspace === 'none';
  for (const [what, p] of [
    ...(noFolder ? [] : [['workspace', workspace]]),
    ['extension', join(extension, 'package.json')],
    ['suite', join(tests, 'index.js')],
  ]) {
    if (!existsSync(p))
      throw new Error(
        `${what} not found: ${p}${what === 'suite' ? ' (build it: node test/vscode/build-suite.mjs)' : ''}`,
      );
  }
  const { chromium: chromiumPath } = ensureAll();
  log(`code-server and Chromium ready (${elapsed()})`);

  mkdirSync(results, { recursive: true });
  const requests = join(results, '.requests');
  rmSync(requests, { recursive: true, force: true });
  mkdirSync(requests, { recursive: true });

  const suiteDone = join(requests, 'suite-finished.json');
  const scratch = mkdtempSync(join(tmpdir(), 'masklens-code-server-'));
  const userData = options.userDataDir ?? join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(scratch, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        // no workbench.colorTheme / iconTheme here: test/integration/index.ts sets them (see there)
        // otherwise the web workbench follows the browser's (light) colour scheme, not colorTheme
        'window.autoDetectColorScheme': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        // trust prompts would cover the workbench; MaskLens declares untrusted-workspace support,
        // and a suite that wants Restricted Mode can open a folder with trust enabled itself
        'security.workspace.trust.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        'git.autoRepositoryDetection': false,
        'chat.commandCenter.enabled': false,
        ...options.settings,
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const env = {
    ...process.env,
    // read by test/integration/screenshot.ts inside the extension host (a child of code-server)
    MASKLENS_SCREENSHOT_DIR: requests,
    // written by test/integration/index.ts once mocha has finished: the extension host lived to the end
    MASKLENS_SUITE_DONE: suiteDone,
    // the suite crashes TensorFlow's process on purpose (the probe's test faults)
    MASKLENS_TEST_HOOKS: '1',
    // no extension gallery (code-server defaults to open-vsx.org, unreachable offline)
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
    TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '3',
    CUDA_VISIBLE_DEVICES: process.env.CUDA_VISIBLE_DEVICES ?? '-1',
    ...options.env,
  };
  const server = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--bind-addr',
      authority,
      '--auth',
      'none',
      '--config',
      join(scratch, 'config.yaml'),
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(noFolder ? [] : [workspace]),
    ],
    // own process group: code-server's children (extension host, pty host, watcher) die with it
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let serverExited = false;
  let stopping = false;
  /** Extension host exits other than a clean one, from code-server's log, while the suite ran. */
  const hostDeaths = [];
  server.on('exit', (code, signal) => {
    serverExited = true;
    if (!stopping) log(`code-server exited unexpectedly (${code ?? signal})`);
  });
  const forward = (stream, prefix) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        console.log(`${prefix} ${line}`);
        const exit = /Extension Host Process exited with code: (\S+), signal: (\w+)/.exec(line);
        if (exit && !stopping && (exit[1] !== '0' || exit[2] !== 'null'))
          hostDeaths.push(exit[2] !== 'null' ? exit[2] : `exit code ${exit[1]}`);
      }
    });
  };
  forward(server.stdout, '[code-server]');
  forward(server.stderr, '[code-server:err]');

  const killServer = (signal) => {
    try {
      process.kill(-server.pid, signal);
    } catch {
      /* already gone */
    }
  };
  // last resort if this process is torn down: never leave code-server behind
  const onExit = () => killServer('SIGKILL');
  process.on('exit', onExit);
  const onSignal = (sig) => {
    log(`received ${sig}; stopping code-server and Chromium`);
    killServer('SIGKILL');
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let browser;
  let page;
  let consoleChain = Promise.resolve();
  let screenshotTimer;
  let timeoutTimer;
  let exitCode;
  try {
    const timeout = new Promise((r) => {
      timeoutTimer = setTimeout(() => r('timeout'), Math.max(0, timeoutMs - (Date.now() - t0)));
    });
    const main = (async () => {
      await waitForHttp(`http://${authority}/healthz`, 90_000, () => serverExited);
      log(`code-server listening on ${authority} (${elapsed()})`);
      browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const consoleMode = process.env.MASKLENS_BROWSER_CONSOLE ?? 'all';
      page.on('console', (msg) => {
        // formatted asynchronously, printed in arrival order
        consoleChain = consoleChain.then(async () => {
          const text = await consoleText(msg);
          if (!text.trim()) return;
          if (consoleMode === 'tests' && !/masklens|Extension Host|passing|failing|pending|Error|✔/i.test(text)) return;
          console.log(`[browser:${msg.type()}] ${text}`);
        });
      });
      page.on('pageerror', (error) => console.log(`[browser:pageerror] ${error.message}`));
      page.on('crash', () => console.log('[browser] the page crashed'));
      const exited = new Promise((resolveExit) => {
        page
          .exposeFunction('codeAutomationExit', (code) => {
            exitCode = Number(code);
            resolveExit('exited');
          })
          .catch((e) => log(`exposeFunction failed: ${e.message}`));
      });
      // make sure the binding exists before the workbench can call it
      await page.evaluate(() => 0).catch(() => undefined);

      // Screenshot requests from the suite (a file per request; see test/integration/screenshot.ts).
      let busy = false;
      screenshotTimer = setInterval(async () => {
        if (busy || !page) return;
        busy = true;
        try {
          for (const file of readdirSync(requests).filter((f) => f.endsWith('.action'))) {
            const name = file.replace(/\.action$/, '');
            let result;
            try {
              const action = JSON.parse(readFileSync(join(requests, file), 'utf8'));
              rmSync(join(requests, file), { force: true });
              result = { ok: true, value: await performAction(page, action) };
              log(`action ${name} (${action.kind}) done (${elapsed()})`);
            } catch (error) {
              rmSync(join(requests, file), { force: true });
              result = { ok: false, error: error.message };
              log(`action ${name} failed: ${error.message}`);
            }
            writeAtomic(join(requests, `${name}.result`), JSON.stringify(result));
          }
          for (const file of readdirSync(requests).filter((f) => f.endsWith('.request'))) {
            const name = file.replace(/\.request$/, '');
            rmSync(join(requests, file), { force: true });
            const png = join(results, `${name}.png`);
            try {
              await page.waitForTimeout(500); // let the workbench paint what the suite just did
              await page.screenshot({ path: png });
              writeAtomic(join(requests, `${name}.frames.txt`), await framesText(page));
              writeAtomic(join(requests, `${name}.done`), png);
              log(`screenshot ${png} (${elapsed()})`);
            } catch (error) {
              log(`screenshot ${name} failed: ${error.message}`);
              writeAtomic(join(requests, `${name}.done`), '');
            }
          }
        } finally {
          busy = false;
        }
      }, 200);

      const remote = (path) => `vscode-remote://${authority}${path}`;
      const payload = [
        ['extensionDevelopmentPath', remote(extension)],
        ['extensionTestsPath', remote(tests)],
      ];
      const opened = noFolder
        ? 'ew=true'
        : `${workspace.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(remote(workspace))}`;
      const url = `http://${authority}/?${opened}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      log(`opening ${url}`);
      await page.goto(url);
      const serverDied = new Promise((r) => server.once('exit', () => r('server-exit')));
      return Promise.race([exited, serverDied]);
    })();
    main.catch(() => undefined); // a late rejection after the timeout must not crash the process
    const outcome = await Promise.race([main, timeout]);
    if (outcome === 'timeout') {
      log(`FAILED: the suite did not finish within ${timeoutMs} ms`);
      exitCode = 124;
    } else if (outcome === 'server-exit') {
      log('FAILED: code-server exited before the suite finished');
      exitCode = 1;
    } else {
      log(`the suite exited with code ${exitCode} (${elapsed()})`);
      if (!Number.isInteger(exitCode)) exitCode = 1;
      if (!existsSync(suiteDone)) {
        // code-server's line about the exit may trail the workbench's report by a moment
        for (let i = 0; i < 30 && hostDeaths.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        log(
          `FAILED: the extension host died (${hostDeaths.join(', ') || 'no exit line from code-server'}) before the suite finished`,
        );
        exitCode = exitCode || 1;
      } else if (hostDeaths.length > 0) {
        log(`FAILED: an extension host died (${hostDeaths.join(', ')}) while the suite ran`);
        exitCode = exitCode || 1;
      }
    }
  } catch (error) {
    log(`FAILED: ${error.stack ?? error}`);
    exitCode = 1;
  } finally {
    clearTimeout(timeoutTimer);
    clearInterval(screenshotTimer);
    if (page) {
      const finalPng = join(results, 'workbench-final.png');
      await page
        .screenshot({ path: finalPng, timeout: 15_000 })
        .then(() => log(`screenshot ${finalPng}`))
        .catch((e) => log(`final screenshot failed: ${e.message}`));
    }
    // let the last console lines (mocha's summary) come through
    await Promise.race([consoleChain, new Promise((r) => setTimeout(r, 3000))]);
    stopping = true;
    await browser?.close().catch(() => undefined);
    killServer('SIGTERM');
    const deadline = Date.now() + 5000;
    while (!serverExited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    killServer('SIGKILL'); // whatever of the process group is left
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(scratch, { recursive: true, force: true });
  }
  return exitCode;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`[code-server-harness] ${error.message}`);
    process.exit(2);
  }
  runInCodeServer(options).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`[code-server-harness] FAILED: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}

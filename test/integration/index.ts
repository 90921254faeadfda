/**
 * The integration suite's entry, loaded by VS Code's extension host (`extensionTestsPath`
 * = dist/test/integration, built by test/vscode/build-suite.mjs into a CommonJS bundle).
 *
 * Every `test/integration/**\/*.itest.ts` is bundled in: build-suite.mjs generates the virtual
 * module `masklens:itests` that requires each of them (sorted by path), so a new suite only has
 * to be dropped into this folder. Suites use mocha's TDD interface (suite/test/setup/...).
 *
 * Environment (set by the launcher, inherited by the extension host):
 *   MASKLENS_ITEST_GREP      only run tests whose full title matches this regular expression
 *   MASKLENS_ITEST_TIMEOUT   per-test timeout in ms (default 180000)
 *   MASKLENS_THEME           workbench colour theme for the screenshots (default Default Dark Modern)
 *   MASKLENS_SUITE_DONE      a file to write once mocha has finished (the harness fails without it)
 */
import * as fs from 'node:fs';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/**
 * In extension development mode VS Code applies the first colour and file-icon theme found under
 * the extension's folder (`findThemeByExtensionLocation` matches by path prefix). code-server's
 * built-in themes live under .cache/code-server (and test-electron's VS Code under .vscode-test),
 * inside this repository, so the workbench comes up in the first built-in theme that matches the
 * browser's (light) colour scheme. Writing workbench.colorTheme here (the harnesses leave it out of
 * settings.json, so this is a real change) switches to the intended colour theme. The file-icon
 * theme cannot be fixed from here: VS Code pins the folder's icon theme (vs-minimal, no file
 * icons) in its in-memory configuration, above user settings. Installing code-server outside the
 * repository (MASKLENS_CODE_SERVER_DIR) avoids both.
 */
async function applyThemes(): Promise<void> {
  const workbench = vscode.workspace.getConfiguration('workbench');
  const global = vscode.ConfigurationTarget.Global;
  const colorTheme = process.env.MASKLENS_THEME || 'Default Dark Modern';
  const changed = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve();
    }, 3000);
    const sub = vscode.window.onDidChangeActiveColorTheme(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
  await workbench.update('colorTheme', colorTheme, global);
  await changed;
}

export async function run(): Promise<void> {
  await applyThemes().catch((e) => console.log(`[masklens-integration] could not set the theme: ${e}`));
  const grep = process.env.MASKLENS_ITEST_GREP;
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: Number(process.env.MASKLENS_ITEST_TIMEOUT ?? 180_000),
    color: false,
    reporter: 'spec',
    ...(grep ? { grep: new RegExp(grep) } : {}),
  });
  // Give the suites mocha's globals (suite, test, setup, ...) before they are evaluated.
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('masklens:itests') as { files: string[] };
  console.log(`[masklens-integration] suites: ${loaded.files.join(', ')}`);
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  console.log(`[masklens-integration] ${failures === 0 ? 'all passed' : `${failures} failed`}`);
  // The harness's proof that this extension host lived to the end of the suite.
  if (process.env.MASKLENS_SUITE_DONE) fs.writeFileSync(process.env.MASKLENS_SUITE_DONE, JSON.stringify({ failures }));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}

/**
 * The panel round trip: host → worker pool (native TensorFlow) → webview, checked in the
 * extension host (the webview's own report of what it rendered), in the real DOM (the text
 * of the webview frame) and in a screenshot.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, openExample, screenshot, waitForEvent } from './harness';

suite('panel', () => {
  test('Show Panel opens the webview with a strict CSP and shows the backend that ran', async () => {
    await openExample('seed001_embedding_dense_mse.py');
    const api = await activateExtension();
    const rendered = waitForEvent(
      api.panel.onDidRender,
      (r) => r.view === 'backend' || r.view === 'backendError',
      120_000,
      'the panel to render the backend',
    );
    await vscode.commands.executeCommand('masklens.showPanel');
    const view = await rendered;
    assert.equal(view.view, 'backend', `the panel reported an error: ${view.summary}`);
    assert.match(view.summary, /^backend=tensorflow /, `the worker did not run native TensorFlow: ${view.summary}`);
    assert.equal(api.runtime.backend?.backend.backend, 'tensorflow');

    const html = api.panel.html ?? '';
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources]),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('connect-src'), ["'none'"]);
    const scriptSources = directives.get('script-src') ?? [];
    assert.equal(scriptSources.length, 1, `script-src allows more than its nonce: ${scriptSources.join(' ')}`);
    const nonce = /^'nonce-([^']+)'$/.exec(scriptSources[0] ?? '')?.[1];
    assert.ok(nonce && nonce.length >= 16, 'script-src must require a nonce');
    for (const [name, sources] of directives) {
      for (const source of sources) {
        assert.doesNotMatch(source, /unsafe-|^\*$|^https?:$|^http:/, `${name} allows ${source}`);
      }
    }
    for (const tag of html.match(/<script[^>]*>/g) ?? [])
      assert.ok(tag.includes(`nonce="${nonce}"`), `script without the nonce: ${tag}`);

    const shot = await screenshot('panel-backend');
    if (shot.framesText !== null) {
      assert.match(shot.framesText, /Native TensorFlow backend/, 'the webview DOM does not show the native backend');
      assert.match(shot.framesText, /worker thread \d+/);
    }
  });
});

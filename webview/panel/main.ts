/** The MaskLens panel: backend, task progress (with Cancel), live training curves, and results. */
import '../shared/zodConfig'; // first: before any schema runs
import type { BackendReport, HostMessage } from '../../src/core/protocol/viewMessages';
import { clear, h } from '../shared/dom';
import { registerToolkit } from '../shared/toolkit';
import { onHostMessage, send } from '../shared/vscodeApi';
import { chartIds, exportPng, redrawAll } from './charts';
import { disposeCharts, renderCompare, renderEvaluate, renderTrain } from './results';
import { onTrainingEpoch, stop as stopTraining, trainingEnded } from './training';

// Anything the Content Security Policy blocks is a bug: report it (tests assert there is none).
document.addEventListener('securitypolicyviolation', (e) => {
  const target = e.target instanceof Element ? e.target.tagName.toLowerCase() + (e.target.id ? `#${e.target.id}` : '') : '';
  const summary = `${e.effectiveDirective} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${target} ${e.sample}`.slice(0, 2000);
  console.warn(`MaskLens panel CSP violation: ${summary}`);
  send({ type: 'rendered', view: 'cspViolation', summary });
});

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
const header = h('header', { class: 'ml-header' });
const backendBox = h('section', { id: 'backend', class: 'ml-backend', 'aria-label': 'TensorFlow backend' }, h('vscode-progress-ring'), ' Starting the worker pool…');
const statusBox = h('section', { id: 'status', class: 'ml-status', 'aria-live': 'polite' });
const trainingBox = h('section', { id: 'training', class: 'ml-training', 'aria-label': 'Training run' });
const resultBox = h('section', { id: 'result', class: 'ml-result' });
/** The result shown (task and payload), for exports the host asks for. */
let shownTask: string | undefined;

function commandButton(label: string, command: 'evaluate' | 'compareLosses' | 'train' | 'cancel', appearance = 'secondary'): HTMLElement {
  const button = h('vscode-button', { appearance, id: `btn-${command}` }, label);
  button.addEventListener('click', () => send({ type: 'command', command }));
  return button;
}

header.append(
  h('h1', {}, 'MaskLens'),
  h('div', { class: 'ml-actions' }, commandButton('Evaluate with Masking', 'evaluate', 'primary'), commandButton('Compare Losses', 'compareLosses'), commandButton('Train', 'train'), commandButton('Cancel', 'cancel')),
);
app.append(header, backendBox, statusBox, trainingBox, resultBox);

function renderBackend(report: BackendReport): void {
  clear(backendBox);
  const native = report.backend.backend === 'tensorflow';
  backendBox.className = `ml-backend ${native ? 'ok' : 'warn'}`;
  backendBox.append(
    h('span', { id: 'backend-name', class: 'ml-tag' }, native ? 'tensorflow' : 'cpu'),
    h('span', { class: 'ml-backend-text' }, native ? ' Native TensorFlow backend' : ` Pure-JS cpu fallback: ${report.backend.fallbackReason ?? 'unknown reason'}`),
    h(
      'div',
      { class: 'ml-backend-detail' },
      `tfjs ${report.backend.tfjsVersion} · worker thread ${report.threadId} · ${report.pool.workers} worker(s) × ${report.pool.intraOpThreads} TF thread(s) · probe ${report.probeMs.toFixed(0)} ms`,
    ),
    ...(report.backend.libraryPath
      ? [h('div', { id: 'backend-library', class: 'ml-backend-detail' }, `TensorFlow ${report.backend.tensorflowVersion ?? '(version unknown)'} · ${report.backend.libraryPath}${report.backend.libraryOrigin ? ` · from ${report.backend.libraryOrigin}` : ''}`)]
      : []),
  );
  send({ type: 'rendered', view: 'backend', summary: `backend=${report.backend.backend} thread=${report.threadId}` });
}

function renderBusy(task: string, message: string, fraction: number | null): void {
  clear(statusBox);
  const cancel = h('vscode-button', { appearance: 'secondary', id: 'status-cancel', 'aria-label': `Cancel ${task}` }, 'Cancel');
  cancel.addEventListener('click', () => send({ type: 'command', command: 'cancel' }));
  statusBox.append(h('vscode-progress-ring', { 'aria-hidden': 'true' }), h('span', { class: 'ml-status-text' }, ` ${task}: ${message}`));
  if (fraction !== null) statusBox.append(h('progress', { max: 1, value: fraction, 'aria-label': `${task} progress` }));
  statusBox.append(cancel);
}

type ResultMessage = Extract<HostMessage, { type: 'result' }>;

/** Which file and model the shown result is about, so a result is never mistaken for another file's. */
function originLine(origin: ResultMessage['origin']): HTMLElement | null {
  if (!origin) return null;
  return h('div', { class: 'ml-origin', title: `run ${origin.runId}, document version ${origin.version}` }, `${origin.file} · model ${origin.model}`);
}

function renderResult({ task, payload, sources, origin }: ResultMessage): void {
  const render = task === 'evaluate' ? renderEvaluate : task === 'compare' ? renderCompare : task === 'train' ? renderTrain : null;
  if (!render) return;
  try {
    disposeCharts();
    stopTraining(trainingBox);
    clear(resultBox);
    const { el, summary, maskFlow } = render(payload, sources);
    const from = originLine(origin);
    if (from) resultBox.append(from);
    resultBox.append(el);
    shownTask = task;
    send({ type: 'rendered', view: task, summary });
    if (maskFlow !== undefined) send({ type: 'rendered', view: 'maskFlow', summary: maskFlow });
  } catch (error) {
    clear(resultBox);
    shownTask = undefined;
    resultBox.append(h('div', { class: 'ml-error', role: 'alert' }, `MaskLens could not show this result: ${error instanceof Error ? error.message : String(error)}`));
    send({ type: 'rendered', view: 'renderError', summary: String(error) });
  }
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'backend':
      renderBackend(message.report);
      break;
    case 'backendError':
      clear(backendBox);
      backendBox.className = 'ml-backend error';
      backendBox.append(h('strong', {}, 'The worker pool failed: '), message.message);
      send({ type: 'rendered', view: 'backendError', summary: message.message });
      break;
    case 'busy':
      renderBusy(message.task, message.message, message.fraction);
      break;
    case 'idle':
      // The host posts idle right after a task's error: the error stays until the next task starts.
      if (!statusBox.querySelector('.ml-error')) clear(statusBox);
      trainingEnded(trainingBox, 'stopped');
      break;
    case 'taskError': {
      clear(statusBox);
      const cancelled = /cancel/i.test(message.message);
      trainingEnded(trainingBox, cancelled ? 'cancelled' : 'failed');
      // A cancel the user asked for is not an error to keep on show.
      if (!cancelled) statusBox.append(h('div', { class: 'ml-error', role: 'alert' }, `${message.task} failed: ${message.message}`));
      send({ type: 'rendered', view: 'taskError', summary: message.message });
      break;
    }
    case 'trainingEpoch':
      onTrainingEpoch(trainingBox, message);
      break;
    case 'result':
      renderResult(message);
      break;
    case 'requestExport':
      if (message.format === 'png') {
        const id = message.chart ?? chartIds()[0];
        if (!id || !exportPng(id)) send({ type: 'rendered', view: 'exportError', summary: `no chart '${id ?? ''}' to export` });
      } else if (shownTask) {
        send({ type: 'export', format: message.format, name: `result-${shownTask}` });
      } else {
        send({ type: 'rendered', view: 'exportError', summary: 'no result to export' });
      }
      break;
    case 'theme':
      redrawAll();
      break;
  }
}

// VS Code marks the theme on <body> (vscode-light / vscode-dark / vscode-high-contrast) and
// updates its CSS variables: redraw the charts, which read their colours from those variables.
new MutationObserver(() => redrawAll()).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

onHostMessage(handle);
send({ type: 'ready' });

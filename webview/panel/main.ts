/** The MaskLens panel: backend, task progress (with Cancel), live training curves, and results. */
import '../shared/zodConfig'; // first: before any schema runs
import type { BackendReport, HostMessage } from '../../src/core/protocol/viewMessages';
import { clear, h } from '../shared/dom';
import { registerToolkit } from '../shared/toolkit';
import { onHostMessage, send } from '../shared/vscodeApi';
import { chartIds, exportPng, redrawAll } from './charts';
import { disposeCharts, renderCompare, renderEvaluate, renderTrain } from './results';
import { errorCard, outdatedBanner, renderHistory, runHeader } from './runs';
import { onTrainingEpoch, stop as stopTraining, trainingEnded } from './training';

// Anything the Content Security Policy blocks is a bug: report it (tests assert there is none).
document.addEventListener('securitypolicyviolation', (e) => {
  const target =
    e.target instanceof Element ? e.target.tagName.toLowerCase() + (e.target.id ? `#${e.target.id}` : '') : '';
  const summary =
    `${e.effectiveDirective} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${target} ${e.sample}`.slice(0, 2000);
  console.warn(`MaskLens panel CSP violation: ${summary}`);
  send({ type: 'rendered', view: 'cspViolation', summary });
});

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
const header = h('header', { class: 'ml-header' });
const backendBox = h(
  'section',
  { id: 'backend', class: 'ml-backend', 'aria-label': 'TensorFlow backend' },
  'TensorFlow starts with the first evaluation, comparison or training.',
);
const statusBox = h('section', { id: 'status', class: 'ml-status', 'aria-live': 'polite' });
const trainingBox = h('section', { id: 'training', class: 'ml-training', 'aria-label': 'Training run' });
const historyBox = h('section', { id: 'history', class: 'ml-history', 'aria-label': 'Runs of this model' });
const resultBox = h('section', { id: 'result', class: 'ml-result' });
/** The run the shown result or failure came from. */
let shownRun: { runId: string; model: string } | undefined;
/** The result shown (task and payload), for exports the host asks for. */
let shownTask: string | undefined;

function commandButton(
  label: string,
  command: 'evaluate' | 'compareLosses' | 'train' | 'cancel',
  appearance = 'secondary',
): HTMLElement {
  const button = h('vscode-button', { appearance, id: `btn-${command}` }, label);
  button.addEventListener('click', () => send({ type: 'command', command }));
  return button;
}

header.append(
  h('h1', {}, 'MaskLens'),
  h(
    'div',
    { class: 'ml-actions' },
    commandButton('Evaluate with Masking', 'evaluate', 'primary'),
    commandButton('Compare Losses', 'compareLosses'),
    commandButton('Train', 'train'),
  ),
);
app.append(header, backendBox, statusBox, trainingBox, historyBox, resultBox);

function renderBackend(report: BackendReport): void {
  clear(backendBox);
  const native = report.backend.backend === 'tensorflow';
  backendBox.className = `ml-backend ${native ? 'ok' : 'warn'}`;
  backendBox.append(
    h('span', { id: 'backend-name', class: 'ml-tag' }, native ? 'tensorflow' : 'cpu'),
    h(
      'span',
      { class: 'ml-backend-text' },
      native
        ? ' Native TensorFlow backend'
        : ` Pure-JS cpu fallback: ${report.backend.fallbackReason ?? 'unknown reason'}`,
    ),
    h(
      'div',
      { class: 'ml-backend-detail' },
      `tfjs ${report.backend.tfjsVersion} · worker thread ${report.threadId} · ${report.pool.workers} worker(s) × ${report.pool.intraOpThreads} TF thread(s) · probe ${report.probeMs.toFixed(0)} ms`,
    ),
    ...(report.backend.libraryPath
      ? [
          h(
            'div',
            { id: 'backend-library', class: 'ml-backend-detail' },
            `TensorFlow ${report.backend.tensorflowVersion ?? '(version unknown)'} · ${report.backend.libraryPath}${report.backend.libraryOrigin ? ` · from ${report.backend.libraryOrigin}` : ''}`,
          ),
        ]
      : []),
  );
  send({ type: 'rendered', view: 'backend', summary: `backend=${report.backend.backend} thread=${report.threadId}` });
}

function renderBusy(task: string, message: string, fraction: number | null): void {
  clear(statusBox);
  const cancel = h(
    'vscode-button',
    { appearance: 'secondary', id: 'status-cancel', 'aria-label': `Cancel ${task}` },
    'Cancel',
  );
  cancel.addEventListener('click', () => send({ type: 'command', command: 'cancel' }));
  statusBox.append(
    h('vscode-progress-ring', { 'aria-hidden': 'true' }),
    h('span', { class: 'ml-status-text' }, ` ${task}: ${message}`),
  );
  if (fraction !== null) statusBox.append(h('progress', { max: 1, value: fraction, 'aria-label': `${task} progress` }));
  // One Cancel per run: the live training view has its own.
  if (!trainingBox.querySelector('#train-cancel')) statusBox.append(cancel);
}

type ResultMessage = Extract<HostMessage, { type: 'result' }>;

function renderResult({ task, payload, sources, origin }: ResultMessage): void {
  const render =
    task === 'evaluate' ? renderEvaluate : task === 'compare' ? renderCompare : task === 'train' ? renderTrain : null;
  if (!render) return;
  try {
    disposeCharts();
    stopTraining(trainingBox);
    clear(resultBox);
    const { el, summary, maskFlow, about } = render(payload, sources);
    const head = runHeader(origin, about);
    // what matters first: the summary card, then which run this is, then the details
    const card = el.querySelector('#summary-card');
    if (card) card.after(head);
    else el.querySelector('.ml-result-head')?.after(head);
    resultBox.append(h('div', { id: 'outdated-slot' }), el);
    shownTask = task;
    shownRun = origin ? { runId: origin.runId, model: origin.model } : undefined;
    send({ type: 'rendered', view: task, summary });
    if (maskFlow !== undefined) send({ type: 'rendered', view: 'maskFlow', summary: maskFlow });
  } catch (error) {
    clear(resultBox);
    shownTask = undefined;
    resultBox.append(
      h(
        'div',
        { class: 'ml-error', role: 'alert' },
        `MaskLens could not show this result: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
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
      clear(statusBox);
      trainingEnded(trainingBox, 'stopped');
      break;
    case 'taskError': {
      clear(statusBox);
      // A failure belongs to a run; a cancel the user asked for does not, and is not an error to keep on show.
      const cancelled = !message.origin;
      trainingEnded(trainingBox, cancelled ? 'cancelled' : 'failed');
      if (!cancelled) {
        // The failure replaces the result: the run before it would otherwise pass for this one's.
        disposeCharts();
        clear(resultBox);
        shownTask = undefined;
        shownRun = message.origin ? { runId: message.origin.runId, model: message.origin.model } : undefined;
        resultBox.append(h('div', { id: 'outdated-slot' }), errorCard(message));
      }
      const where = message.location
        ? ` @${message.location.line}${message.location.layer ? `:${message.location.layer}` : ''} actions=${(message.actions ?? []).join(',')}`
        : '';
      send({ type: 'rendered', view: 'taskError', summary: `${message.message}${where}`.slice(0, 2000) });
      break;
    }
    case 'outdated': {
      const slot = document.getElementById('outdated-slot');
      if (!slot || shownRun?.runId !== message.runId) break;
      clear(slot);
      slot.append(outdatedBanner(message.reason, shownRun.model));
      send({ type: 'rendered', view: 'outdated', summary: message.reason });
      break;
    }
    case 'history':
      renderHistory(historyBox, message);
      break;
    case 'trainingEpoch':
      onTrainingEpoch(trainingBox, message);
      statusBox.querySelector('#status-cancel')?.remove();
      break;
    case 'result':
      renderResult(message);
      break;
    case 'requestExport':
      if (message.format === 'png') {
        const id = message.chart ?? chartIds()[0];
        if (!id || !exportPng(id))
          send({ type: 'rendered', view: 'exportError', summary: `no chart '${id ?? ''}' to export` });
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
new MutationObserver(() => redrawAll()).observe(document.body, {
  attributes: true,
  attributeFilter: ['class', 'data-vscode-theme-id'],
});

onHostMessage(handle);
send({ type: 'ready' });

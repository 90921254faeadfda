/** The MaskLens panel: backend, task progress, and results. */
import type { BackendReport, HostMessage } from '../../src/core/messages';
import { clear, h } from '../shared/dom';
import { registerToolkit } from '../shared/toolkit';
import { onHostMessage, send } from '../shared/vscodeApi';
import { disposeCharts, renderCompare, renderEvaluate, renderTrain } from './results';

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
const header = h('header', { class: 'ml-header' });
const backendBox = h('section', { id: 'backend', class: 'ml-backend', 'aria-label': 'TensorFlow backend' }, h('vscode-progress-ring'), ' Starting the worker pool…');
const statusBox = h('section', { id: 'status', class: 'ml-status', 'aria-live': 'polite' });
const resultBox = h('section', { id: 'result', class: 'ml-result' });

function commandButton(label: string, command: 'evaluate' | 'compareLosses' | 'train' | 'cancel', appearance = 'secondary'): HTMLElement {
  const button = h('vscode-button', { appearance, id: `btn-${command}` }, label);
  button.addEventListener('click', () => send({ type: 'command', command }));
  return button;
}

header.append(
  h('h1', {}, 'MaskLens'),
  h('div', { class: 'ml-actions' }, commandButton('Evaluate with Masking', 'evaluate', 'primary'), commandButton('Compare Losses', 'compareLosses'), commandButton('Train', 'train'), commandButton('Cancel', 'cancel')),
);
app.append(header, backendBox, statusBox, resultBox);

function renderBackend(report: BackendReport): void {
  clear(backendBox);
  const native = report.backend.backend === 'tensorflow';
  backendBox.className = `ml-backend ${native ? 'ok' : 'warn'}`;
  backendBox.append(
    h('vscode-tag', { id: 'backend-name' }, native ? 'tensorflow' : 'cpu'),
    h('span', { class: 'ml-backend-text' }, native ? ' Native TensorFlow backend' : ` Pure-JS cpu fallback: ${report.backend.fallbackReason ?? 'unknown reason'}`),
    h(
      'div',
      { class: 'ml-backend-detail' },
      `tfjs ${report.backend.tfjsVersion} · worker thread ${report.threadId} · ${report.pool.workers} worker(s) × ${report.pool.intraOpThreads} TF thread(s) · probe ${report.probeMs.toFixed(0)} ms`,
    ),
  );
  send({ type: 'rendered', view: 'backend', summary: `backend=${report.backend.backend} thread=${report.threadId}` });
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
      clear(statusBox);
      statusBox.append(h('vscode-progress-ring'), ` ${message.task}: ${message.message}`);
      break;
    case 'idle':
      clear(statusBox);
      break;
    case 'taskError':
      clear(statusBox);
      statusBox.append(h('div', { class: 'ml-error', role: 'alert' }, `${message.task} failed: ${message.message}`));
      send({ type: 'rendered', view: 'taskError', summary: message.message });
      break;
    case 'result': {
      const render = message.task === 'evaluate' ? renderEvaluate : message.task === 'compare' ? renderCompare : message.task === 'train' ? renderTrain : null;
      if (!render) break; // per-epoch updates arrive as progress in the status line
      try {
        const { el, summary } = render(message.payload);
        disposeCharts();
        clear(resultBox);
        resultBox.append(el);
        send({ type: 'rendered', view: message.task, summary });
      } catch (error) {
        clear(resultBox);
        resultBox.append(h('div', { class: 'ml-error', role: 'alert' }, `MaskLens could not show this result: ${error instanceof Error ? error.message : String(error)}`));
        send({ type: 'rendered', view: 'renderError', summary: String(error) });
      }
      break;
    }
    case 'theme':
      break;
  }
}

onHostMessage(handle);
send({ type: 'ready' });

/** The MaskLens side view: the active editor's models, their layers' masks, findings and actions. */
import type { HostMessage, ModelSummary } from '../../src/core/protocol/viewMessages';
import { clear, h } from '../shared/dom';
import { registerToolkit } from '../shared/toolkit';
import { onHostMessage, send } from '../shared/vscodeApi';

registerToolkit();
const app = document.getElementById('app') as HTMLElement;
const backend = h('div', { id: 'sidebar-backend', class: 'ml-muted' }, 'Backend: starts on first evaluation');
const models = h('div', { id: 'sidebar-models' });
app.append(models, h('vscode-divider'), backend);

const EFFECT_ICON: Record<string, string> = { creates: '●', propagates: '→', transforms: '↻', consumes: '◐', destroys: '✕', none: '·', unknown: '?' };

const stateText = (s: ModelSummary['layers'][number]['in'], yes: string): string => (s === 'yes' ? yes : s === 'unknown' ? '?' : '–');

function action(label: string, command: 'evaluate' | 'compareLosses' | 'train', model: string): HTMLElement {
  const b = h('vscode-button', { appearance: command === 'evaluate' ? 'primary' : 'secondary' }, label);
  b.addEventListener('click', () => send({ type: 'command', command, model }));
  return b;
}

/** Whether the mask reaches the loss, and whether it matters: a model with one output per sequence (a classifier) needs none there. */
function verdict(m: ModelSummary): string {
  const where = m.loss ? `the ${m.loss} loss` : 'the output';
  if (m.lossMasked === 'yes') return `mask reaches ${where}`;
  if (m.lossMasked === 'unknown') return `? unknown whether a mask reaches ${where}`;
  if (!m.loss) return 'no mask at the output';
  if (m.outputPerTimestep === false) return `one output per sequence: no mask needed at ${where}`;
  return `✕ no mask reaches ${where}`;
}

function renderModel(m: ModelSummary): HTMLElement {
  const title = h('a', { href: '#', class: 'ml-model-title' }, `${m.name}`);
  title.addEventListener('click', (e) => {
    e.preventDefault();
    send({ type: 'revealModel', model: m.name, line: m.line });
  });
  const box = h(
    'section',
    { class: `ml-model ${m.lossMasked === 'yes' || m.outputPerTimestep === false ? 'ok' : m.lossMasked === 'unknown' ? 'unknown' : 'warn'}`, 'data-model': m.name },
    h('div', {}, title, ` ${m.kind} · ${m.origin ?? `line ${m.line + 1}`}`),
    h('div', { class: 'ml-verdict' }, verdict(m)),
  );
  const list = h('ul', { class: 'ml-layers' });
  for (const l of m.layers) {
    list.append(h('li', { class: `ml-effect-${l.effect}`, title: `${l.title ? `${l.title}\n` : ''}mask in: ${l.in} · mask out: ${l.out} · ${l.effect}` }, h('span', { class: 'ml-icon', 'aria-hidden': 'true' }, EFFECT_ICON[l.effect] ?? '·'), ` ${l.name} `, h('span', { class: 'ml-muted' }, `${l.className} · ${stateText(l.in, 'in')}/${stateText(l.out, 'out')} · ${l.effect}`)));
  }
  if (m.layersOmitted) list.append(h('li', { class: 'ml-muted' }, `… and ${m.layersOmitted} more layers`));
  box.append(list);
  for (const d of m.diagnostics) box.append(h('div', { class: `ml-diag ml-${d.severity}` }, `${d.code} (line ${d.line + 1}): ${d.message}`));
  if (m.diagnosticsOmitted) box.append(h('div', { class: 'ml-muted' }, `… and ${m.diagnosticsOmitted} more findings (Problems view)`));
  box.append(h('div', { class: 'ml-actions' }, action('Evaluate', 'evaluate', m.name), action('Compare', 'compareLosses', m.name), action('Train', 'train', m.name)));
  if (m.lastResult) box.append(h('div', { class: 'ml-last' }, `Last result: ${m.lastResult}`));
  return box;
}

function handle(message: HostMessage): void {
  if (message.type === 'backend') {
    clear(backend);
    const info = message.report.backend;
    backend.append(`Backend: ${info.backend}${info.fallbackReason ? ` (${info.fallbackReason})` : ''}${info.tensorflowVersion && !info.fallbackReason ? ` · TensorFlow ${info.tensorflowVersion}` : ''}`);
    backend.title = info.libraryPath ?? '';
  } else if (message.type === 'models') {
    clear(models);
    if (!message.file) models.append(h('p', { class: 'ml-muted' }, 'Open a Python file with a Keras model.'));
    else if (message.models.length === 0) models.append(h('p', { class: 'ml-muted' }, `No Keras model in ${message.file}.`));
    else {
      models.append(h('p', { class: 'ml-muted' }, `${message.file} — ${message.keras}`));
      for (const m of message.models) models.append(renderModel(m));
      if (message.modelsOmitted) models.append(h('p', { class: 'ml-muted' }, `… and ${message.modelsOmitted} more models`));
    }
    send({ type: 'rendered', view: 'models', summary: `${message.file ?? ''}: ${message.models.map((m) => m.name).join(',')}` });
  }
}

onHostMessage(handle);
send({ type: 'ready' });

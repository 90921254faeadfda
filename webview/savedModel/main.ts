/**
 * The saved-model editor: the model a `.keras` or `.h5` file holds — each layer's mask in and
 * out and what it does to the mask, the loss verdict, the analysis' findings — and buttons that
 * run it with the file's own weights. Messages go through their own validated schemas.
 */
import { lossVerdict, MASK_EFFECT_WORDS } from '../../src/core/masking/words';
import {
  savedModelHostMessageSchema,
  type SavedModelHostMessage,
  type SavedModelSummary,
  type SavedModelWebviewMessage,
} from '../../src/core/protocol/savedModelMessages';
import { clear, h } from '../shared/dom';
import { registerToolkit } from '../shared/toolkit';
import { typedChannel } from '../shared/vscodeApi';

const channel = typedChannel<SavedModelHostMessage, SavedModelWebviewMessage>(savedModelHostMessageSchema);
registerToolkit();
const app = document.getElementById('app') as HTMLElement;
const content = h('div', { id: 'saved-model' }, h('p', { class: 'ml-muted' }, 'Reading the model file…'));
app.append(content);

const stateText = (s: 'yes' | 'no' | 'unknown', yes: string): string =>
  s === 'yes' ? yes : s === 'unknown' ? '?' : '–';

function runButton(label: string, task: 'evaluate' | 'compare' | 'train', primary: boolean): HTMLElement {
  const b = h(
    'vscode-button',
    {
      appearance: primary ? 'primary' : 'secondary',
      id: `run-${task}`,
      title: `${label} with the weights this file holds`,
    },
    label,
  );
  b.addEventListener('click', () => channel.send({ type: 'run', task }));
  return b;
}

function renderModel(file: string, keras: string, m: SavedModelSummary): HTMLElement {
  const verdict = lossVerdict(m);
  const rows = m.layers.map((l) =>
    h(
      'tr',
      { class: `ml-effect-${l.effect}`, ...(l.title ? { title: l.title } : {}) },
      h('th', { scope: 'row' }, l.name),
      h('td', {}, l.className),
      h('td', {}, `${stateText(l.in, 'in')}/${stateText(l.out, 'out')}`),
      h('td', {}, MASK_EFFECT_WORDS[l.effect]),
    ),
  );
  return h(
    'section',
    { class: `ml-model ml-verdict-${verdict.tone}`, 'aria-label': `model ${m.name}` },
    h('h1', {}, m.name),
    h('p', {}, `${m.kind} model · ${m.origin} · ${file}`),
    h('p', { class: 'ml-verdict', id: 'saved-verdict' }, `${verdict.text} (${keras})`),
    h(
      'div',
      { class: 'ml-actions' },
      runButton('Evaluate', 'evaluate', true),
      runButton('Compare', 'compare', false),
      runButton('Train', 'train', false),
    ),
    h(
      'table',
      { class: 'ml-table', id: 'saved-layers', 'aria-label': 'Layers and what each does to the mask' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Layer', 'Class', 'Mask in/out', 'What it does to the mask'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    ...(m.layersOmitted ? [h('p', { class: 'ml-muted' }, `… and ${m.layersOmitted} more layers`)] : []),
    ...m.diagnostics.map((d) => h('p', { class: `ml-diag ml-diag-${d.severity}` }, `${d.code}: ${d.message}`)),
    ...(m.diagnosticsOmitted ? [h('p', { class: 'ml-muted' }, `… and ${m.diagnosticsOmitted} more findings`)] : []),
  );
}

channel.onMessage((message) => {
  clear(content);
  if (message.type === 'model') {
    content.append(renderModel(message.file, message.keras, message.summary));
    channel.send({
      type: 'rendered',
      view: 'model',
      summary: `${message.file}: ${message.summary.name} (${message.summary.layers.length} layers)`,
    });
  } else {
    content.append(
      h(
        'p',
        { class: 'ml-diag ml-diag-error', role: 'alert' },
        `MaskLens cannot read ${message.file}: ${message.message}`,
      ),
    );
    channel.send({ type: 'rendered', view: 'error', summary: `${message.file}: ${message.message}`.slice(0, 2000) });
  }
});
channel.send({ type: 'ready' });

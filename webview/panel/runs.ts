/**
 * What the panel says about runs: the header naming the run a result came from (file, model,
 * data, weights, Keras version, time), the error state of a failed run with its location and
 * actions, the outdated mark, and the run history with two runs side by side.
 */
import { formatNumber } from '../../src/core/format';
import { compareRuns } from '../../src/core/runs/history';
import type { FailureAction, HostMessage, RunSummary, TaskOrigin } from '../../src/core/protocol/viewMessages';
import { clear, h } from '../shared/dom';
import type { RunAbout } from './results';
import { send } from '../shared/vscodeApi';

type TaskError = Extract<HostMessage, { type: 'taskError' }>;

function time(at: number | undefined): string {
  return at === undefined ? 'unknown time' : new Date(at).toLocaleString();
}

function field(label: string, value: string | HTMLElement[], id?: string): HTMLElement[] {
  return [h('dt', {}, label), h('dd', id ? { id } : {}, ...(typeof value === 'string' ? [value] : value))];
}

/**
 * The header of a result: which run it is, so a result is never mistaken for another file's or
 * an older run's. Synthetic data is tagged as such, as in every result.
 */
export function runHeader(origin: TaskOrigin | undefined, about: RunAbout): HTMLElement {
  const data = about.synthetic
    ? [h('span', { class: 'ml-tag' }, 'synthetic data'), h('span', {}, ` ${about.data}`)]
    : about.data;
  const weights = about.weightsTag
    ? [h('span', { class: 'ml-tag' }, about.weightsTag), h('span', {}, ` ${about.weights}`)]
    : about.weights;
  return h(
    'dl',
    { class: 'ml-run-header', id: 'run-header', 'aria-label': 'About this run' },
    // version 0: a file Keras saved, which has no editor versions
    ...(origin
      ? field('File', origin.version > 0 ? `${origin.file} (version ${origin.version})` : origin.file, 'run-file')
      : []),
    ...(origin ? field('Model', origin.model, 'run-model') : []),
    ...field('Data', data, 'run-data'),
    ...field('Weights', weights, 'run-weights'),
    ...field('Keras', `${about.keras} on ${about.backend}`),
    ...(origin ? field('Finished', time(origin.at)) : []),
  );
}

const ACTION_LABEL: Record<FailureAction, string> = {
  goToLine: 'Go to line',
  selectData: 'Select Data Files…',
  showLog: 'Show Log',
};

function actionButton(action: FailureAction, message: TaskError, primary: boolean): HTMLElement {
  const at = message.location;
  const label = action === 'goToLine' && at ? `Go to line ${at.line + 1}` : ACTION_LABEL[action];
  const button = h(
    'vscode-button',
    { appearance: primary ? 'primary' : 'secondary', id: `error-${action}`, 'data-action': action },
    label,
  );
  button.addEventListener('click', () => {
    if (action === 'goToLine' && at) send({ type: 'reveal', line: at.line, character: at.character });
    else if (action === 'selectData') send({ type: 'command', command: 'selectData', model: message.origin?.model });
    else if (action === 'showLog') send({ type: 'command', command: 'showLog' });
  });
  return button;
}

/** A failed run in place of a result: what failed, the full message, where, and what to do. */
export function errorCard(message: TaskError): HTMLElement {
  const at = message.location;
  const where = at
    ? `${message.origin?.file ?? 'the file'}, line ${at.line + 1}${at.layer ? `, layer '${at.layer}'` : ''}`
    : null;
  const actions = (message.actions ?? ['showLog']).filter((a) => a !== 'goToLine' || at);
  return h(
    'section',
    { class: 'ml-error-card', id: 'task-error', role: 'alert', 'aria-labelledby': 'task-error-title' },
    h(
      'h2',
      { id: 'task-error-title' },
      h('span', { class: 'ml-error-icon', 'aria-hidden': 'true' }, '✕ '),
      `${message.task} failed`,
    ),
    message.origin
      ? h(
          'p',
          { class: 'ml-error-run' },
          `${message.origin.file} · model ${message.origin.model} · ${time(message.origin.at ?? Date.now())}`,
        )
      : null,
    h('p', { class: 'ml-error-message', id: 'task-error-message' }, message.message),
    where ? h('p', { class: 'ml-error-where', id: 'task-error-where' }, `Where: ${where}`) : null,
    h(
      'div',
      { class: 'ml-error-actions', role: 'group', 'aria-label': 'What to do' },
      ...actions.map((a, i) => actionButton(a, message, i === 0)),
    ),
  );
}

/** The mark on a result whose file or data changed after its run. */
export function outdatedBanner(reason: string, model: string | undefined): HTMLElement {
  const again = h('vscode-button', { appearance: 'secondary', id: 'outdated-rerun' }, 'Evaluate again');
  again.addEventListener('click', () => send({ type: 'command', command: 'evaluate', model }));
  return h(
    'div',
    { class: 'ml-outdated', id: 'outdated', role: 'status' },
    h('strong', {}, 'Outdated: '),
    `${reason}. These numbers are from before the change. `,
    again,
  );
}

function runLabel(run: RunSummary, index: number): string {
  return `#${index + 1} ${run.task} · v${run.version} · ${new Date(run.at).toLocaleTimeString()} · masked ${formatNumber(run.masked)}`;
}

function select(
  id: string,
  label: string,
  runs: RunSummary[],
  chosen: number,
  onChange: (i: number) => void,
): HTMLElement {
  const el = h(
    'select',
    { id, class: 'ml-select' },
    ...runs.map((r, i) => h('option', { value: String(i), selected: i === chosen }, runLabel(r, i))),
  );
  el.addEventListener('change', () => onChange(Number(el.value)));
  return h('label', { class: 'ml-run-pick' }, `${label} `, el);
}

/**
 * The model's runs and two of them side by side (the two newest unless the user picks others).
 * `box` is refilled on every pick; reports `runCompare` with the rows that differ.
 */
export function renderHistory(box: HTMLElement, message: Extract<HostMessage, { type: 'history' }>): void {
  clear(box);
  const runs = message.runs;
  if (runs.length < 2) return;
  let before = runs.length - 2;
  let after = runs.length - 1;
  const table = h('div', { class: 'ml-compare-runs' });
  const draw = () => {
    clear(table);
    const rows = compareRuns(runs[before], runs[after], formatNumber);
    table.append(
      h(
        'table',
        { class: 'ml-table', id: 'run-compare', 'aria-label': 'Two runs side by side' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, ''),
            h('th', { scope: 'col' }, `Before (#${before + 1})`),
            h('th', { scope: 'col' }, `After (#${after + 1})`),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              { class: r.differs ? 'ml-differs' : '' },
              h('th', { scope: 'row' }, r.differs ? '▲ ' : '', r.label),
              h('td', {}, r.before),
              h('td', {}, r.after),
            ),
          ),
        ),
      ),
    );
    const changed = rows.filter((r) => r.differs).map((r) => `${r.label}: ${r.before} -> ${r.after}`);
    send({
      type: 'rendered',
      view: 'runCompare',
      summary: `runs=${runs.length} before=${before + 1} after=${after + 1} | ${changed.join(' | ')}`.slice(0, 2000),
    });
  };
  box.append(
    h(
      'details',
      { open: true },
      h('summary', {}, h('h2', { class: 'ml-inline' }, `Runs of ${message.model}: before and after`)),
      h('p', { class: 'ml-muted' }, `${runs.length} runs this session, newest last. Rows that differ are marked ▲.`),
      h(
        'div',
        { class: 'ml-run-picks' },
        select('run-before', 'Before', runs, before, (i) => ((before = i), draw())),
        select('run-after', 'After', runs, after, (i) => ((after = i), draw())),
      ),
      table,
    ),
  );
  draw();
}

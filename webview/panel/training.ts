/**
 * The live view of a training run: the loss curves (masked and unmasked, train and
 * validation) growing one epoch at a time, a progress bar, and Cancel.
 */
import type { Chart } from 'chart.js';
import type { TrainingEpochMessage } from '../../src/core/protocol/viewMessages';
import { clear, h } from '../shared/dom';
import { addEpoch, drawCurves, pointsDrawn, type EpochPoint } from '../shared/lineChart';
import { send } from '../shared/vscodeApi';
import { chartBox, disposeChart, getChart } from './charts';

const CHART_ID = 'live-loss-curves';

interface Live {
  points: EpochPoint[];
  epochs: number;
  withValidation: boolean;
  progress: HTMLProgressElement;
  text: HTMLElement;
  cancel: HTMLElement;
}

let live: Live | undefined;

function point(m: TrainingEpochMessage): EpochPoint {
  return {
    epoch: m.epoch + 1,
    trainMasked: m.train.masked,
    trainUnmasked: m.train.unmasked,
    valMasked: m.val?.masked ?? null,
    valUnmasked: m.val?.unmasked ?? null,
  };
}

function start(box: HTMLElement, m: TrainingEpochMessage): Live {
  stop(box);
  const progress = h('progress', { id: 'train-progress', max: m.epochs, value: 0, 'aria-label': 'Training progress' });
  const text = h('span', { id: 'train-progress-text', 'aria-live': 'polite' });
  const cancel = h(
    'vscode-button',
    { appearance: 'secondary', id: 'train-cancel', 'aria-label': 'Cancel the training run' },
    'Cancel',
  );
  cancel.addEventListener('click', () => send({ type: 'command', command: 'cancel' }));
  const state: Live = { points: [], epochs: m.epochs, withValidation: m.val !== null, progress, text, cancel };
  box.append(
    h('h2', {}, m.task),
    h('div', { class: 'ml-train-progress' }, progress, text, cancel),
    chartBox(
      CHART_ID,
      'Loss per epoch (live): masked and unmasked, train and validation',
      240,
      (canvas) => drawCurves(canvas, state.points, state.epochs, state.withValidation),
      true,
    ),
  );
  return state;
}

/** One finished epoch: extends the curves, moves the progress bar, reports what was drawn. */
export function onTrainingEpoch(box: HTMLElement, m: TrainingEpochMessage): void {
  // A run starts at epoch 0. The pool's progress events travel apart from the task's result, so
  // the last epoch may arrive after the run ended (idle / result): that one is not a new run.
  if (m.epoch === 0 || (live && m.epochs !== live.epochs)) live = start(box, m);
  if (!live) return;
  const p = point(m);
  live.points.push(p);
  live.progress.value = m.epoch + 1;
  live.text.textContent = ` epoch ${m.epoch + 1} of ${m.epochs}`;
  const chart = getChart(CHART_ID) as Chart<'line', { x: number; y: number | null }[]> | undefined;
  // the first epoch's chart draws (from live.points) in a microtask; later ones are appended
  if (chart) addEpoch(chart, p);
  queueMicrotask(() => {
    const drawn = getChart(CHART_ID) as Chart<'line', { x: number; y: number | null }[]> | undefined;
    send({
      type: 'rendered',
      view: 'trainProgress',
      summary: `epoch=${m.epoch + 1}/${m.epochs} points=${drawn ? pointsDrawn(drawn) : 0}`,
    });
  });
}

/** The run ended (result, error or cancel): no more Cancel; the curves stay until the result replaces them. */
export function trainingEnded(box: HTMLElement, why: string): void {
  if (!live) return;
  live.cancel.remove();
  const outcome = live.points.length === live.epochs && why === 'stopped' ? 'finished' : why;
  live.text.textContent = ` ${live.points.length} of ${live.epochs} epoch(s) — ${outcome}`;
  send({ type: 'rendered', view: 'trainEnded', summary: `points=${live.points.length}/${live.epochs} ${outcome}` });
  live = undefined;
  void box;
}

/** Removes the live view (the final result shows the full curves). */
export function stop(box: HTMLElement): void {
  disposeChart(CHART_ID);
  clear(box);
  live = undefined;
}

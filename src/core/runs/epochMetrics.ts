/**
 * The compiled metrics of a training run's epochs as columns (the panel's table, the CLI's, the
 * CSV export): one per metric and data set, named as Keras' History names them (`accuracy`,
 * `val_accuracy`), each holding what Keras' evaluate reports on that epoch's weights.
 */
import type { EpochRecord } from '../protocol/runtimeTasks';

export interface EpochMetricColumn {
  /** `accuracy`, `val_accuracy`. */
  name: string;
  value(e: EpochRecord): number | null;
}

export function epochMetricColumns(history: readonly EpochRecord[]): EpochMetricColumn[] {
  const names = (pick: (e: EpochRecord) => EpochRecord['train'] | null) => [
    ...new Set(history.flatMap((e) => (pick(e)?.metrics ?? []).map((m) => m.name))),
  ];
  const column =
    (pick: (e: EpochRecord) => EpochRecord['train'] | null, prefix: string) =>
    (name: string): EpochMetricColumn => ({
      name: `${prefix}${name}`,
      value: (e) => pick(e)?.metrics.find((m) => m.name === name)?.keras ?? null,
    });
  return [
    ...names((e) => e.train).map(column((e) => e.train, '')),
    ...names((e) => e.val).map(column((e) => e.val, 'val_')),
  ];
}

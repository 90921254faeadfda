/** Data errors: one clear message, a stable code, and where (file, member, row) it happened. */
import { UserFacingError } from '../protocol/task';

export type DataErrorCode =
  | 'data-corrupt'
  | 'data-format'
  | 'data-shape'
  | 'data-dtype'
  | 'data-nan'
  | 'data-range'
  | 'data-missing'
  | 'data-access'
  | 'memory-cap'
  | 'model-input-shape';

export class DataError extends UserFacingError {
  constructor(message: string, code: DataErrorCode, location?: string) {
    super(location ? `${location}: ${message}` : message, code, location);
    this.name = 'DataError';
  }
}

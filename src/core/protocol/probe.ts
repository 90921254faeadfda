/** The probe task: which TensorFlow backend a worker runs, optionally while it does real tensor work. */
import { z } from 'zod';

/** A probe: which backend runs, and optionally keep a worker busy doing real tensor work. */
export const probeRequestSchema = z.object({
  kind: z.literal('probe'),
  /** Run matMuls of this size for about this long (tests cancellation, warms the pool). */
  workMs: z.number().int().min(0).max(600_000).default(0),
  matrixSize: z.number().int().min(1).max(2048).default(64),
  /**
   * For tests only, honoured only where the runtime process runs with MASKLENS_TEST_HOOKS=1:
   * `abort` and `segv` crash the process natively from a worker (as a TensorFlow fault would);
   * `hang` blocks the worker thread without ever checking for cancellation (as a stuck native
   * op would); `malformed-reply` makes the runtime process answer with messages that break this protocol.
   */
  testFault: z.enum(['abort', 'segv', 'hang', 'malformed-reply']).optional(),
  /** The pool stops the probe after this long (0: never), as it stops other tasks. */
  taskTimeoutSeconds: z
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .default(0),
});
export type ProbeRequest = z.infer<typeof probeRequestSchema>;

export const backendInfoSchema = z.object({
  backend: z.enum(['tensorflow', 'cpu']),
  fallbackReason: z.string().nullable(),
  tfjsVersion: z.string(),
  /** The version the loaded TensorFlow C library reports (TF_Version); null on the pure-JS backend. */
  tensorflowVersion: z.string().nullable(),
  /** The libtensorflow_cc.so.2 the process loaded; null on the pure-JS backend. */
  libraryPath: z.string().nullable(),
  /** Where that library came from, as the one who started the process found it (e.g. "the Python environment /p/.venv"). */
  libraryOrigin: z.string().nullable(),
});
export type BackendInfo = z.infer<typeof backendInfoSchema>;

export const probeResultSchema = z.object({
  kind: z.literal('probe'),
  backend: backendInfoSchema,
  threadId: z.number().int(),
  matMuls: z.number().int().nonnegative(),
  checksum: z.number(),
  elapsedMs: z.number(),
  tensorsBefore: z.number().int(),
  tensorsAfter: z.number().int(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

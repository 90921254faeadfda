/** The webview side of the typed message channel. */
import './zodConfig'; // first: before any schema runs
import type { z } from 'zod';
import { hostMessageSchema, type HostMessage, type WebviewMessage } from '../../src/core/protocol/viewMessages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: WebviewMessage): void {
  api.postMessage(message);
}

/** Calls `handler` with each host message that passes validation; others are dropped and logged. */
export function onHostMessage(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = hostMessageSchema.safeParse(event.data);
    if (parsed.success) handler(parsed.data);
    else console.warn('MaskLens: ignored malformed host message', parsed.error.message);
  });
}

/**
 * The channel of a webview with messages of its own (the saved-model editor): what it sends is
 * typed, what it receives passes `schema` first; others are dropped and logged.
 */
export function typedChannel<In, Out>(
  schema: z.ZodType<In>,
): { send: (message: Out) => void; onMessage: (handler: (message: In) => void) => void } {
  return {
    send: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const parsed = schema.safeParse(event.data);
        if (parsed.success) handler(parsed.data);
        else console.warn('MaskLens: ignored malformed host message', parsed.error.message);
      }),
  };
}

export function saveState(state: unknown): void {
  api.setState(state);
}

export function loadState(): unknown {
  return api.getState();
}

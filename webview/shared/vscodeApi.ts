/** The webview side of the typed message channel. */
import './zodConfig'; // first: before any schema runs
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

export function saveState(state: unknown): void {
  api.setState(state);
}

export function loadState(): unknown {
  return api.getState();
}

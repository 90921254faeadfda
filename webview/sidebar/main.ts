/** The MaskLens side view: the active editor's models and their masks. */
import type { HostMessage } from '../../src/core/messages';
import { clear, h } from '../shared/dom';
import { registerToolkit } from '../shared/toolkit';
import { onHostMessage, send } from '../shared/vscodeApi';

registerToolkit();
const app = document.getElementById('app') as HTMLElement;
const backend = h('div', { id: 'sidebar-backend', class: 'ml-muted' }, 'Backend: not started');
app.append(backend);

function handle(message: HostMessage): void {
  if (message.type === 'backend') {
    clear(backend);
    backend.append(`Backend: ${message.report.backend.backend}`);
  }
}

onHostMessage(handle);
send({ type: 'ready' });

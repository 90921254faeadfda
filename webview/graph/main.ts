/**
 * The model graph page: lays the model out with dagre (top to bottom, inputs first) and draws it
 * as SVG. Every edge says in words as well as in its stroke whether a mask travels along it, and
 * a list below the drawing says the same for screen readers. Layers are buttons: Enter or a click
 * shows the layer's line. All user text goes in through textContent, never as markup.
 */
import '../shared/zodConfig'; // first: before any schema runs
import dagre from '@dagrejs/dagre';
import {
  type GraphWebviewMessage,
  graphHostMessageSchema,
  type ModelGraphView,
} from '../../src/core/protocol/graphView';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();
const send = (message: GraphWebviewMessage): void => api.postMessage(message);

const SVG = 'http://www.w3.org/2000/svg';
const LOSS = '\u0000loss'; // a node name no Keras layer can have

const MASK_WORDS = { yes: 'mask', no: 'no mask', unknown: 'mask unknown' } as const;
const EFFECT_WORDS: Record<string, string> = {
  creates: 'creates a mask',
  propagates: 'passes the mask on',
  transforms: 'changes the mask',
  consumes: 'uses the mask',
  destroys: 'drops the mask',
  none: 'no mask',
  unknown: 'mask unknown',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The width a label needs, measured in the page's own font. */
function measure(text: string, bold: boolean): number {
  const canvas = measure.canvas ?? (measure.canvas = document.createElement('canvas'));
  const ctx = canvas.getContext('2d');
  if (!ctx) return text.length * 8;
  const style = getComputedStyle(document.body);
  ctx.font = `${bold ? '600 ' : ''}${style.fontSize} ${style.fontFamily}`;
  return ctx.measureText(text).width;
}
measure.canvas = undefined as HTMLCanvasElement | undefined;

function render(graph: ModelGraphView): void {
  const app = document.getElementById('app');
  if (!app) return;
  app.replaceChildren();
  const header = el('header', 'gr-header');
  header.append(el('h1', undefined, `${graph.model}`), el('p', 'gr-sub', `${graph.file} · ${graph.keras}`));
  app.append(header);

  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 44, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    const width =
      Math.max(measure(n.name, true), measure(`${n.className} · ${EFFECT_WORDS[n.effect] ?? n.effect}`, false)) + 24;
    g.setNode(n.name, { width, height: 44 });
  }
  const lossLabel = graph.loss.name ? `loss: ${graph.loss.name}` : 'loss (none compiled)';
  g.setNode(LOSS, { width: measure(lossLabel, true) + 24, height: 32 });
  const edges = [...graph.edges, ...graph.outputs.map((o) => ({ from: o, to: LOSS, mask: graph.loss.masked }))];
  for (const e of edges)
    g.setEdge(e.from, e.to, { label: MASK_WORDS[e.mask], width: measure(MASK_WORDS[e.mask], false) + 6, height: 16 });
  dagre.layout(g);

  const { width = 0, height = 0 } = g.graph();
  const drawing = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': 'gr-summary',
  });
  const defs = svg('defs', {});
  for (const state of ['yes', 'no', 'unknown']) {
    const marker = svg('marker', {
      id: `arrow-${state}`,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `gr-arrow mask-${state}` }));
    defs.append(marker);
  }
  drawing.append(defs);

  for (const e of edges) {
    const edge = g.edge(e.from, e.to);
    const points: { x: number; y: number }[] = edge.points ?? [];
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
    const path = svg('path', { d, class: `gr-edge mask-${e.mask}`, 'marker-end': `url(#arrow-${e.mask})` });
    const label = svg('text', {
      x: edge.x ?? 0,
      y: (edge.y ?? 0) + 4,
      class: `gr-edge-label mask-${e.mask}`,
      'text-anchor': 'middle',
    });
    label.textContent = MASK_WORDS[e.mask];
    drawing.append(path, label);
  }

  for (const name of g.nodes()) {
    const n = g.node(name);
    const layer = graph.nodes.find((x) => x.name === name);
    const flagged = layer && graph.findings.some((f) => f.layer === layer.name && f.severity !== 'hint');
    const group = svg('g', {
      class: `gr-node ${layer ? `effect-${layer.effect}` : `gr-loss mask-${graph.loss.masked}`}${flagged ? ' has-finding' : ''}`,
    });
    group.append(svg('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 4 }));
    const title = svg('text', { x: n.x, y: layer ? n.y - 4 : n.y + 5, class: 'gr-name', 'text-anchor': 'middle' });
    title.textContent = layer ? layer.name : lossLabel;
    group.append(title);
    if (layer) {
      const sub = svg('text', { x: n.x, y: n.y + 13, class: 'gr-class', 'text-anchor': 'middle' });
      sub.textContent = `${layer.className} · ${EFFECT_WORDS[layer.effect] ?? layer.effect}`;
      group.append(sub);
      group.setAttribute('tabindex', '0');
      group.setAttribute('role', 'button');
      group.setAttribute(
        'aria-label',
        `${layer.name}, ${layer.className}, ${EFFECT_WORDS[layer.effect] ?? layer.effect}: go to line ${layer.line + 1}`,
      );
      const reveal = () => send({ type: 'reveal', layer: layer.name });
      group.addEventListener('click', reveal);
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          reveal();
        }
      });
    }
    drawing.append(group);
  }
  const figure = el('div', 'gr-drawing');
  figure.append(drawing);

  const summary = el(
    'p',
    'gr-summary',
    `${lossSentence(graph)}${graph.findings.length > 0 ? ` ${graph.findings.length === 1 ? 'One finding' : `${graph.findings.length} findings`} below.` : ''}`,
  );
  const findings = el('ul', 'gr-findings');
  findings.setAttribute('aria-label', 'Findings');
  for (const f of graph.findings) findings.append(el('li', `severity-${f.severity}`, `${f.severity}: ${f.message}`));
  summary.id = 'gr-summary';
  const legend = el(
    'p',
    'gr-legend',
    'Solid: a mask travels along the edge · dashed: no mask · dotted: MaskLens cannot tell.',
  );
  const list = el('ul', 'gr-edges');
  list.setAttribute('aria-label', 'Every edge and its mask');
  for (const e of edges)
    list.append(
      el(
        'li',
        undefined,
        `${e.from === LOSS ? 'loss' : e.from} → ${e.to === LOSS ? 'loss' : e.to}: ${MASK_WORDS[e.mask]}`,
      ),
    );
  const details = el('details', 'gr-text');
  details.append(el('summary', undefined, `Edges as text (${edges.length})`), list);
  app.append(summary, ...(graph.findings.length > 0 ? [findings] : []), legend, figure, details);
  send({
    type: 'rendered',
    nodes: graph.nodes.length,
    edges: edges.length,
    text: `${summary.textContent ?? ''}\n${list.textContent ? [...list.children].map((c) => c.textContent).join('\n') : ''}`,
  });
}

function lossSentence(graph: ModelGraphView): string {
  if (graph.loss.masked === 'yes')
    return 'A mask reaches the loss: Keras leaves the steps it marks as padding out of it.';
  if (graph.loss.masked === 'unknown') return 'MaskLens cannot tell whether a mask reaches the loss.';
  if (graph.loss.perTimestep === false) return 'One output per sequence: no mask is needed at the loss.';
  return 'No mask reaches the loss: padded steps count in it.';
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = graphHostMessageSchema.safeParse(event.data);
  if (!parsed.success) {
    console.warn('MaskLens: ignored malformed host message', parsed.error.message);
    return;
  }
  const message = parsed.data;
  if (message.type === 'graph') render(message.graph);
  else {
    const app = document.getElementById('app');
    app?.replaceChildren(el('p', 'gr-empty', message.message));
    send({ type: 'rendered', nodes: 0, edges: 0, text: message.message });
  }
});
send({ type: 'ready' });

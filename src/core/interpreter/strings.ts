/**
 * Strings the way Python builds them: `str()` of a value, f-strings, `'...'.format(...)`,
 * `'%s_%d' % (...)`, and the string methods code uses around layer names and config keys
 * (`join`, `lower`, `split`, ...). Layer names made in a loop (`name=f'lstm_{i}'`) are
 * what Keras calls the layers, so the reader must spell them the same; anything it cannot
 * format exactly stays unknown.
 */
import type { CallArgs } from '../objects/arguments';
import { bounded, MAX_STRING_LENGTH, stringFits } from '../objects/bounds';
import type { Ctx } from '../objects/context';
import { MAX_NESTING } from '../objects/limits';
import { named, type Syntax } from '../python/syntax';
import { asInt, asNumber, asString, bool, iterate, num, seq, str, unknown, type Value } from '../objects/values';

/** Python's `repr()` of a float: the shortest digits that round-trip, exponent outside [1e-4, 1e16). */
function floatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = v.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * `str(v)` where the reader knows v exactly; null otherwise, and null past the bounds on strings
 * and nesting (limits.ts): a list that holds itself, or shares itself many times over, would
 * otherwise be written out without end.
 */
export function pyStr(v: Value): string | null {
  return strOf(v, { left: MAX_STRING_LENGTH }, 0);
}

/** `repr(v)`: strings quoted, the rest as `str`. */
export function pyRepr(v: Value): string | null {
  return reprOf(v, { left: MAX_STRING_LENGTH }, 0);
}

function strOf(v: Value, budget: { left: number }, depth: number): string | null {
  switch (v.t) {
    case 'str':
      return v.v;
    case 'num':
      return v.int ? String(v.v) : floatRepr(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'seq': {
      if (depth >= MAX_NESTING) return null;
      const items: string[] = [];
      for (const item of v.items) {
        const text = reprOf(item, budget, depth + 1);
        if (text === null) return null;
        budget.left -= text.length + 2;
        if (budget.left < 0) return null;
        items.push(text);
      }
      return v.list ? `[${items.join(', ')}]` : items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    default:
      return null;
  }
}

function reprOf(v: Value, budget: { left: number }, depth: number): string | null {
  if (v.t === 'str') return `'${v.v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return strOf(v, budget, depth);
}

/** One value under a format spec (`02d`, `.2f`, `>4`, `s`); null for specs the reader does not follow. */
function formatSpec(v: Value, spec: string): string | null {
  if (spec === '') return pyStr(v);
  const m = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?([sdf%])?$/.exec(spec);
  if (!m) return null;
  const [, fillChar, align, zero, widthText, precisionText, type] = m;
  const n = asNumber(v);
  let body: string | null;
  // JavaScript's toFixed takes at most 100 digits.
  if (precisionText !== undefined && Number(precisionText) > 100) return null;
  if (type === 'd') body = n !== null && Number.isInteger(n) ? String(n) : null;
  else if (type === 'f') body = n !== null ? n.toFixed(precisionText === undefined ? 6 : Number(precisionText)) : null;
  else if (type === '%')
    body = n !== null ? `${(n * 100).toFixed(precisionText === undefined ? 6 : Number(precisionText))}%` : null;
  else if (precisionText !== undefined)
    body = n !== null && v.t === 'num' && !v.int ? n.toFixed(Number(precisionText)) : null;
  else body = pyStr(v);
  if (body === null) return null;
  const width = widthText === undefined ? 0 : Number(widthText);
  if (body.length >= width) return body;
  // A width past the bound on strings would build a string the reader does not follow.
  if (width > MAX_STRING_LENGTH) return null;
  const numeric = n !== null && v.t !== 'str';
  if (zero && !align)
    return body.startsWith('-') ? `-${body.slice(1).padStart(width - 1, '0')}` : body.padStart(width, '0');
  const fill = fillChar ?? ' ';
  const how = align ?? (numeric ? '>' : '<');
  if (how === '<') return body + fill.repeat(width - body.length);
  if (how === '>') return fill.repeat(width - body.length) + body;
  const left = Math.floor((width - body.length) / 2);
  return fill.repeat(left) + body + fill.repeat(width - body.length - left);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

/** The literal text of an f-string part: escapes resolved (unless raw), `{{` and `}}` halved. */
function literalPart(node: Syntax, raw: boolean): string {
  let out = '';
  let at = node.startIndex;
  const text = node.text;
  const base = node.startIndex;
  for (const child of node.children) {
    if (!child) continue;
    out += text.slice(at - base, child.startIndex - base);
    if (child.type === 'escape_interpolation') out += child.text[0];
    else if (child.type === 'escape_sequence' && !raw)
      out += child.text.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
    else out += child.text;
    at = child.endIndex;
  }
  return out + text.slice(at - base);
}

/**
 * An f-string: its literal parts and each `{expression!conversion:spec}` evaluated by `evaluate`.
 * Unknown when a part is not known or a spec is one the reader does not follow.
 */
export function fString(ctx: Ctx, node: Syntax, raw: boolean, evaluate: (expression: Syntax) => Value): Value {
  let out = '';
  for (const part of node.namedChildren) {
    if (!part) continue;
    if (part.type === 'string_content') out += literalPart(part, raw);
    else if (part.type === 'escape_sequence')
      out += raw ? part.text : part.text.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
    else if (part.type === 'interpolation') {
      const pieces = named(part);
      const expression = pieces.find((p) => p.type !== 'format_specifier' && p.type !== 'type_conversion');
      if (!expression) return unknown(null);
      const value = evaluate(expression);
      const conversion = pieces.find((p) => p.type === 'type_conversion')?.text ?? '';
      const spec = pieces.find((p) => p.type === 'format_specifier')?.text.replace(/^:/, '') ?? '';
      if (/[{}]/.test(spec)) return unknown(null);
      const text =
        conversion === '!r' ? pyRepr(value) : conversion === '!s' || conversion === '' ? formatSpec(value, spec) : null;
      if (text === null) return unknown(null);
      if (!stringFits(ctx, node, out.length + text.length)) return unknown(null);
      out += text;
    }
  }
  return str(out);
}

/** `'{}_{name}'.format(...)`, positional (`{}`, `{0}`) and keyword fields with simple specs. */
function format(ctx: Ctx, template: string, args: CallArgs): Value {
  let next = 0;
  let failed = false;
  let length = template.length;
  const out = template.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g,
    (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      const key = field ?? '';
      const value = key === '' ? args.pos[next++] : /^\d+$/.test(key) ? args.pos[Number(key)] : args.kw.get(key);
      const text =
        failed || value === undefined ? null : conversion === 'r' ? pyRepr(value) : formatSpec(value, spec ?? '');
      length += text?.length ?? 0;
      if (text === null || !stringFits(ctx, args.node, length)) failed = true;
      return failed ? '' : (text ?? '');
    },
  );
  return failed || args.starred ? unknown(null) : str(out);
}

/** `'%s_%d' % values`. */
export function percentFormat(ctx: Ctx, node: Syntax, template: string, values: Value): Value {
  const list = values.t === 'seq' && !values.list ? values.items : [values];
  let i = 0;
  let failed = false;
  let length = template.length;
  const out = template.replace(
    /%%|%([-0]?\d*)(?:\.(\d+))?([sdrif])/g,
    (whole, flags: string, precision: string | undefined, type: string) => {
      if (whole === '%%') return '%';
      const value = list[i++];
      if (!value) {
        failed = true;
        return '';
      }
      const zero = flags.startsWith('0') ? '0' : '';
      const align = flags.startsWith('-') ? '<' : '';
      const width = flags.replace(/^[-0]/, '');
      const spec =
        type === 's'
          ? `${align}${width}`
          : type === 'r'
            ? ''
            : `${align ? `${align}` : ''}${zero}${width}${precision !== undefined ? `.${precision}` : ''}${type === 'i' ? 'd' : type}`;
      const text = failed ? null : type === 'r' ? pyRepr(value) : formatSpec(value, spec);
      length += text?.length ?? 0;
      if (text === null || !stringFits(ctx, node, length)) failed = true;
      return failed ? '' : (text ?? '');
    },
  );
  return failed || i !== list.length ? unknown(null) : str(out);
}

/** Methods of a known string; what would grow past the bound on strings is unknown. */
export function stringMethod(ctx: Ctx, self: string, name: string, args: CallArgs): Value {
  const p0 = args.pos[0];
  switch (name) {
    case 'format':
      return format(ctx, self, args);
    case 'join': {
      const items = p0 ? iterate(p0) : null;
      const parts = items?.map(asString);
      if (!parts || !parts.every((p) => p !== null)) return unknown(null);
      const length = parts.reduce((sum, p) => sum + (p ?? '').length, 0) + self.length * Math.max(0, parts.length - 1);
      if (!stringFits(ctx, args.node, length)) return unknown(null);
      ctx.work(length);
      return str(parts.join(self));
    }
    case 'lower':
      return str(self.toLowerCase());
    case 'upper':
      return str(self.toUpperCase());
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      if (p0 !== undefined) return unknown(null);
      return str(name === 'strip' ? self.trim() : name === 'lstrip' ? self.trimStart() : self.trimEnd());
    }
    case 'replace': {
      const from = asString(p0);
      const to = asString(args.pos[1]);
      if (from === null || to === null || args.pos.length !== 2) return unknown(null);
      const pieces = self.split(from);
      if (!stringFits(ctx, args.node, self.length + (pieces.length - 1) * (to.length - from.length)))
        return unknown(null);
      ctx.work(self.length);
      return str(pieces.join(to));
    }
    case 'split': {
      const sep = p0 === undefined ? null : asString(p0);
      if ((p0 !== undefined && sep === null) || args.pos.length > 1 || sep === '') return unknown(null);
      const parts =
        sep === null
          ? self
              .trim()
              .split(/\s+/)
              .filter((p) => p !== '')
          : self.split(sep);
      ctx.work(self.length);
      return bounded(ctx, args.node, seq(parts.map(str), true));
    }
    case 'startswith':
    case 'endswith': {
      const s = asString(p0);
      return s === null ? unknown(null) : bool(name === 'startswith' ? self.startsWith(s) : self.endsWith(s));
    }
    case 'count': {
      const s = asString(p0);
      return s === null || s === '' ? unknown(null) : num(self.split(s).length - 1);
    }
    case 'zfill': {
      const width = asInt(p0);
      if (width === null || !stringFits(ctx, args.node, width)) return unknown(null);
      return str(self.padStart(width, '0'));
    }
    default:
      return unknown(null);
  }
}

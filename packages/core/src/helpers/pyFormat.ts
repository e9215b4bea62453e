/**
 * Python's `str.format`, for summaries ported from MozDef: `pyFormat('{0} ({1})', ip, host)`.
 * Supports auto (`{}`) and numbered (`{0}`) fields, keyword fields (`{name}`, with
 * {@link pyFormatNamed}), attribute and index access (`{0.host}`, `{0[host]}`), the `!s`/`!r`
 * conversions, `{{`/`}}`, and the common format spec `[[fill]align][sign][0][width][,][.precision][type]`
 * with types `s d f e % g` (and none).
 */
import { AlertkitError } from '../errors.js';
import { pyNumber, pyRepr, pyStr } from './pyStr.js';

/** Python `template.format(*args)`. */
export function pyFormat(template: string, ...args: unknown[]): string {
  return formatWith(template, args, {});
}

/** Python `template.format(*args, **kwargs)`. */
export function pyFormatNamed(
  template: string,
  kwargs: Readonly<Record<string, unknown>>,
  ...args: unknown[]
): string {
  return formatWith(template, args, kwargs);
}

function formatError(template: string, message: string): AlertkitError {
  return new AlertkitError('REACTION_FAILED', `pyFormat(${JSON.stringify(template)}): ${message}`);
}

function formatWith(
  template: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): string {
  let out = '';
  let auto = 0;
  let i = 0;
  while (i < template.length) {
    const char = template[i] as string;
    if (char === '}') {
      if (template[i + 1] !== '}') throw formatError(template, `single '}' at position ${i}`);
      out += '}';
      i += 2;
      continue;
    }
    if (char !== '{') {
      out += char;
      i += 1;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    const end = template.indexOf('}', i);
    if (end < 0) throw formatError(template, `unclosed '{' at position ${i}`);
    out += replaceField(template, template.slice(i + 1, end), { args, kwargs, next: () => auto++ });
    i = end + 1;
  }
  return out;
}

interface FieldSources {
  args: readonly unknown[];
  kwargs: Readonly<Record<string, unknown>>;
  next(): number;
}

function replaceField(template: string, field: string, sources: FieldSources): string {
  const match = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]+\])*)(?:!([rsa]))?(?::(.*))?$/.exec(field);
  if (!match) throw formatError(template, `bad field {${field}}`);
  const [, name = '', accessors = '', conversion, spec = ''] = match;
  let value: unknown;
  if (name === '') value = lookupPositional(template, sources.args, sources.next());
  else if (/^\d+$/.test(name)) value = lookupPositional(template, sources.args, Number(name));
  else if (name in sources.kwargs) value = sources.kwargs[name];
  else throw formatError(template, `no keyword argument "${name}" (KeyError)`);
  for (const access of accessors.matchAll(/\.([^.[]+)|\[([^\]]+)\]/g)) {
    const key = access[1] ?? access[2] ?? '';
    value = getItem(template, value, key);
  }
  if (conversion === 'r' || conversion === 'a') return applySpec(template, pyRepr(value), spec);
  if (conversion === 's') return applySpec(template, pyStr(value), spec);
  return applySpec(template, value, spec);
}

function lookupPositional(template: string, args: readonly unknown[], index: number): unknown {
  if (index >= args.length)
    throw formatError(
      template,
      `replacement index ${index} out of range for ${args.length} argument(s) (IndexError)`,
    );
  return args[index];
}

function getItem(template: string, value: unknown, key: string): unknown {
  if (Array.isArray(value) && /^\d+$/.test(key)) {
    if (Number(key) >= value.length) throw formatError(template, `list index ${key} out of range`);
    return value[Number(key)] as unknown;
  }
  if (value !== null && typeof value === 'object' && key in value)
    return (value as Record<string, unknown>)[key];
  throw formatError(template, `no key "${key}" in ${pyRepr(value)} (KeyError)`);
}

function applySpec(template: string, value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  const parsed = /^(?:(.)?([<>=^]))?([+\- ])?(0)?(\d+)?(,)?(?:\.(\d+))?([sdfFeE%gG])?$/.exec(spec);
  if (!parsed) throw formatError(template, `unsupported format spec ":${spec}"`);
  const [, fillChar, alignChar, sign = '-', zero, widthText, comma, precisionText, type] = parsed;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let text: string;
  const numeric = typeof value === 'number' || typeof value === 'boolean';
  if (type === undefined || type === 's') {
    if (type === 's' && typeof value !== 'string')
      throw formatError(template, `format code 's' needs a string, got ${pyRepr(value)}`);
    text = numeric && type === undefined ? pyNumber(Number(value)) : pyStr(value);
    if (numeric && comma !== undefined) text = groupThousands(text);
    if (precision !== undefined && !numeric) text = [...text].slice(0, precision).join('');
  } else {
    if (!numeric)
      throw formatError(template, `format code '${type}' needs a number, got ${pyRepr(value)}`);
    text = formatNumber(template, Number(value), {
      type,
      precision,
      comma: comma !== undefined,
      sign,
    });
  }
  const width = widthText === undefined ? 0 : Number(widthText);
  const align = alignChar ?? (zero ? '=' : numeric ? '>' : '<');
  const fill = fillChar ?? (zero && alignChar === undefined ? '0' : ' ');
  return pad(text, width, align, fill);
}

function formatNumber(
  template: string,
  value: number,
  options: { type: string; precision: number | undefined; comma: boolean; sign: string },
): string {
  const { type, comma, sign } = options;
  let body: string;
  const magnitude = Math.abs(value);
  switch (type) {
    case 'd':
      if (!Number.isInteger(value))
        throw formatError(template, `format code 'd' needs an integer, got ${pyNumber(value)}`);
      body = BigInt(magnitude).toString();
      break;
    case 'f':
    case 'F':
      body = magnitude.toFixed(options.precision ?? 6);
      break;
    case '%':
      body = (magnitude * 100).toFixed(options.precision ?? 6) + '%';
      break;
    case 'e':
    case 'E': {
      const [mantissa = '', exponent = '0'] = magnitude
        .toExponential(options.precision ?? 6)
        .split('e');
      const n = Number(exponent);
      body = `${mantissa}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
      if (type === 'E') body = body.toUpperCase();
      break;
    }
    default: {
      // 'g': Python's general format; precision 0 counts as 1; the exponent is the rounded one.
      const precision = Math.max(options.precision ?? 6, 1);
      const [mantissa = '', exponentText = '0'] = magnitude.toExponential(precision - 1).split('e');
      const exponent = Number(exponentText);
      body =
        exponent < -4 || exponent >= precision
          ? `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
          : String(Number(magnitude.toPrecision(precision)));
      if (type === 'G') body = body.toUpperCase();
    }
  }
  if (comma) body = groupThousands(body);
  const prefix =
    value < 0 || Object.is(value, -0) ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
  return prefix + body;
}

/** Python's `,` option: thousands separators in the integer part. */
function groupThousands(text: string): string {
  return text.replace(/\d+/, (digits) => digits.replace(/\B(?=(\d{3})+$)/g, ','));
}

function pad(text: string, width: number, align: string, fill: string): string {
  const length = [...text].length;
  if (length >= width) return text;
  const gap = width - length;
  switch (align) {
    case '<':
      return text + fill.repeat(gap);
    case '^':
      return fill.repeat(Math.floor(gap / 2)) + text + fill.repeat(Math.ceil(gap / 2));
    case '=': {
      const signMatch = /^[+\- ]/.exec(text);
      const sign = signMatch ? signMatch[0] : '';
      return sign + fill.repeat(gap) + text.slice(sign.length);
    }
    default:
      return fill.repeat(gap) + text;
  }
}

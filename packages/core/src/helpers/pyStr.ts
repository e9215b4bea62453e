/**
 * Python's `str()` and `repr()` of JSON-like values, so summaries read exactly as MozDef's
 * Python code printed them (semantics §9.5).
 */
import { isoformat } from './isoformat.js';

/** Python `str(x)`: strings as they are, `None`, `True`/`False`, containers in repr form. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  // Python's str(datetime) uses a space between date and time.
  if (value instanceof Date) return isoformat(value, ' ');
  return pyRepr(value);
}

/** Python `repr(x)`: strings quoted the way Python quotes them, everything else as `str()`. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyQuote(value);
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return `datetime.datetime.fromisoformat('${isoformat(value)}')`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyQuote(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  // Only functions and symbols are left; neither occurs in JSON.
  if (typeof value === 'symbol') return value.toString();
  return typeof value === 'function' ? `<function ${value.name}>` : '';
}

/**
 * A number as Python prints it. JSON cannot tell `1.0` from `1`, so integral values below 1e16
 * print as Python ints; other values use Python's float repr (shortest round-trip digits, scientific
 * notation below 1e-4 and from 1e16, two-digit exponents: `1e-05`, `1.5e+16`).
 */
export function pyNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  // Below 1e16 an integral value is most likely a Python int (JSON `3`); above it a float.
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Inside Python's fixed-notation range JavaScript prints the same shortest digits.
  return String(value);
}

/** Python's string repr: single quotes unless the text has a single quote and no double quote. */
export function pyQuote(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0))
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

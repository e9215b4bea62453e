import { AlertkitError } from '@alertkit/core';

/**
 * Lucene's regular expression syntax (what Elasticsearch `regexp` and query_string `/.../` use)
 * and wildcard syntax, translated to anchored JavaScript regular expressions. Lucene's syntax is
 * small and different from JavaScript's: `\` makes ANY next character literal (`\d` is the
 * letter d), `"..."` is a literal string, `@` is any string, `#` the empty language,
 * `<1-20>` a numeric interval, and there are no anchors (the whole term must match).
 */

/** Longest numeric interval `<n-m>` expanded into an alternation. */
const MAX_INTERVAL = 10_000;

function literal(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  return /[A-Za-z0-9_]/.test(char) ? char : `\\u{${codePoint.toString(16)}}`;
}

function fail(pattern: string, position: number, reason: string): AlertkitError {
  return new AlertkitError(
    'QUERY_INVALID',
    `regexp /${pattern}/ at position ${position}: ${reason}`,
    {
      details: { pattern, position },
    },
  );
}

class LuceneRegexpTranslator {
  readonly #pattern: string;
  readonly #chars: number[];
  #pos = 0;

  constructor(pattern: string) {
    this.#pattern = pattern;
    this.#chars = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  }

  translate(): string {
    const out = this.#union();
    if (this.#pos < this.#chars.length)
      throw fail(this.#pattern, this.#pos, `unexpected "${this.#charAt(this.#pos)}"`);
    return out;
  }

  #charAt(i: number): string {
    const c = this.#chars[i];
    return c === undefined ? '' : String.fromCodePoint(c);
  }

  #peek(): string {
    return this.#charAt(this.#pos);
  }

  #union(): string {
    const parts = [this.#concat()];
    while (this.#peek() === '|') {
      this.#pos++;
      parts.push(this.#concat());
    }
    return parts.join('|');
  }

  #concat(): string {
    let out = '';
    while (this.#pos < this.#chars.length && this.#peek() !== '|' && this.#peek() !== ')') {
      if (this.#peek() === '&')
        throw fail(this.#pattern, this.#pos, 'the intersection operator & is not supported');
      out += this.#repeat();
    }
    return out;
  }

  #repeat(): string {
    let atom = this.#simple();
    for (;;) {
      const c = this.#peek();
      if (c === '*' || c === '+' || c === '?') {
        atom = `(?:${atom})${c}`;
        this.#pos++;
      } else if (c === '{') {
        const close = this.#chars.indexOf('}'.charCodeAt(0), this.#pos);
        const body =
          close < 0 ? '' : String.fromCodePoint(...this.#chars.slice(this.#pos + 1, close));
        if (!/^\d+(,\d*)?$/.test(body))
          throw fail(this.#pattern, this.#pos, 'a repeat must be {n}, {n,} or {n,m}');
        atom = `(?:${atom}){${body}}`;
        this.#pos = close + 1;
      } else {
        return atom;
      }
    }
  }

  #simple(): string {
    const start = this.#pos;
    const c = this.#peek();
    this.#pos++;
    switch (c) {
      case '.':
        return '[^]';
      case '@':
        return '[^]*';
      case '#':
        return '(?!)';
      case '~':
        throw fail(this.#pattern, start, 'the complement operator ~ is not supported');
      case '(': {
        if (this.#peek() === ')') {
          this.#pos++;
          return '(?:)';
        }
        const inner = this.#union();
        if (this.#peek() !== ')') throw fail(this.#pattern, start, 'unclosed group (');
        this.#pos++;
        return `(?:${inner})`;
      }
      case '[':
        return this.#charClass(start);
      case '"': {
        let out = '';
        while (this.#pos < this.#chars.length && this.#peek() !== '"')
          out += literal(this.#chars[this.#pos++] ?? 0);
        if (this.#peek() !== '"') throw fail(this.#pattern, start, 'unclosed string "');
        this.#pos++;
        return `(?:${out})`;
      }
      case '<':
        return this.#interval(start);
      case '\\':
        if (this.#pos >= this.#chars.length)
          throw fail(this.#pattern, start, 'a trailing \\ escapes nothing');
        return literal(this.#chars[this.#pos++] ?? 0);
      case '*':
      case '+':
      case '?':
      case '{':
        throw fail(this.#pattern, start, `"${c}" repeats nothing`);
      case ')':
      case ']':
      case '}':
        throw fail(this.#pattern, start, `unbalanced "${c}"`);
      case '':
        throw fail(this.#pattern, start, 'unexpected end of pattern');
      default:
        return literal(this.#chars[start] ?? 0);
    }
  }

  #classChar(): number {
    if (this.#peek() === '\\') this.#pos++;
    if (this.#pos >= this.#chars.length)
      throw fail(this.#pattern, this.#pos, 'unclosed character class [');
    return this.#chars[this.#pos++] ?? 0;
  }

  #charClass(start: number): string {
    let out = '[';
    if (this.#peek() === '^') {
      out += '^';
      this.#pos++;
    }
    let empty = true;
    while (this.#peek() !== ']') {
      if (this.#pos >= this.#chars.length)
        throw fail(this.#pattern, start, 'unclosed character class [');
      const from = this.#classChar();
      out += literal(from);
      if (
        this.#peek() === '-' &&
        this.#charAt(this.#pos + 1) !== ']' &&
        this.#pos + 1 < this.#chars.length
      ) {
        this.#pos++;
        const to = this.#classChar();
        if (to < from) throw fail(this.#pattern, start, 'a character range is reversed');
        out += `-${literal(to)}`;
      }
      empty = false;
    }
    this.#pos++;
    if (empty) throw fail(this.#pattern, start, 'empty character class []');
    return `${out}]`;
  }

  #interval(start: number): string {
    const close = this.#chars.indexOf('>'.charCodeAt(0), this.#pos);
    const body = close < 0 ? '' : String.fromCodePoint(...this.#chars.slice(this.#pos, close));
    const m = /^(\d+)-(\d+)$/.exec(body);
    if (!m?.[1] || !m[2]) throw fail(this.#pattern, start, 'a numeric interval is <n-m>');
    let from = Number(m[1]);
    let to = Number(m[2]);
    if (from > to) [from, to] = [to, from];
    if (to - from > MAX_INTERVAL)
      throw fail(this.#pattern, start, `numeric interval wider than ${MAX_INTERVAL}`);
    this.#pos = close + 1;
    // Lucene pads with leading zeros to the width of the bounds when they have the same width,
    // and otherwise accepts any number of leading zeros.
    const fixedWidth = m[1].length === m[2].length ? m[1].length : 0;
    const options: string[] = [];
    for (let n = from; n <= to; n++)
      options.push(fixedWidth ? String(n).padStart(fixedWidth, '0') : String(n));
    return fixedWidth ? `(?:${options.join('|')})` : `0*(?:${options.join('|')})`;
  }
}

/** An anchored JavaScript RegExp equivalent to a Lucene regular expression (whole term). */
export function luceneRegexpToRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${new LuceneRegexpTranslator(pattern).translate()})$`, 'u');
}

/** An anchored RegExp for a wildcard pattern: `*` any run, `?` one character, `\` escapes. */
export function wildcardToRegExp(pattern: string): RegExp {
  let out = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '*') out += '[^]*';
    else if (c === '?') out += '[^]';
    else if (c === '\\' && i + 1 < chars.length) out += literal(chars[++i]?.codePointAt(0) ?? 0);
    else out += literal(c.codePointAt(0) ?? 0);
  }
  return new RegExp(`^${out}$`, 'u');
}

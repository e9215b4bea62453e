import { ANY_CHAR, type CharSet, charRange, complementCharSet, unionCharSets } from './charSet.js';

/**
 * Lucene's regular expression syntax as Elasticsearch 8 enables it (`RegExp.ALL` in Lucene 9's
 * `RegExp`: intersection `&`, complement `~`, `#` the empty language, `@` any string, numeric
 * intervals `<n-m>`, named automata `<name>`; and the predefined classes `\d \D \s \S \w \W`),
 * parsed into a small tree the automaton builder reads. It follows Lucene's parser rule for
 * rule, including its quirks: there are no anchors (the whole term must match), `\` makes the
 * next character literal (an escaped letter that is no class is an error), a character that
 * cannot start anything else is literal (`|a` is the string "|a", `*a` is "*a"), and
 * `ASCII_CASE_INSENSITIVE` folds only single characters and strings, not ranges.
 */
export type RegexpNode =
  | { kind: 'chars'; set: CharSet }
  | { kind: 'string'; chars: CharSet[] }
  | { kind: 'anyString' }
  | { kind: 'emptyLanguage' }
  | { kind: 'union'; items: RegexpNode[] }
  | { kind: 'concat'; items: RegexpNode[] }
  | { kind: 'intersection'; items: RegexpNode[] }
  | { kind: 'complement'; item: RegexpNode }
  | { kind: 'optional'; item: RegexpNode }
  | { kind: 'star'; item: RegexpNode }
  | { kind: 'repeat'; item: RegexpNode; min: number; max: number | undefined }
  | { kind: 'interval'; min: number; max: number; digits: number }
  | { kind: 'named'; name: string };

/** A syntax error at a code-point position of the pattern (Lucene's message, in substance). */
export class RegexpSyntaxError extends Error {
  override readonly name = 'RegexpSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const INT_MAX = 2 ** 31 - 1;

/** The other ASCII case of a code point (Lucene: only code points up to 128 are folded). */
export function asciiOtherCase(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return c - 0x20;
  if (c >= 0x41 && c <= 0x5a) return c + 0x20;
  return c;
}

/** One character, folded to both ASCII cases when `caseInsensitive`. */
export function charOf(c: number, caseInsensitive: boolean): CharSet {
  const other = caseInsensitive ? asciiOtherCase(c) : c;
  return other === c ? charRange(c, c) : unionCharSets([charRange(c, c), charRange(other, other)]);
}

const PREDEFINED: Record<string, CharSet> = {
  d: [0x30, 0x39],
  s: unionCharSets([
    [0x20, 0x20],
    [0x09, 0x0a],
    [0x0d, 0x0d],
  ]),
  w: unionCharSets([
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ]),
};
const INVALID_ESCAPES = new Set('abcefghijklmnopqrtuvxyzABCEFGHIJKLMNOPQRTUVXYZ');

class Parser {
  readonly #chars: number[];
  #pos = 0;

  constructor(
    pattern: string,
    private readonly caseInsensitive: boolean,
  ) {
    this.#chars = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  }

  parse(): RegexpNode {
    if (this.#chars.length === 0) return { kind: 'string', chars: [] };
    const node = this.#union();
    if (this.#more()) throw this.#error(`end-of-string expected at position ${this.#pos}`);
    return node;
  }

  #error(message: string): RegexpSyntaxError {
    return new RegexpSyntaxError(message, this.#pos);
  }

  #more(): boolean {
    return this.#pos < this.#chars.length;
  }

  #peek(set: string): boolean {
    return this.#more() && set.includes(String.fromCodePoint(this.#chars[this.#pos] as number));
  }

  #match(c: string): boolean {
    if (this.#more() && this.#chars[this.#pos] === c.codePointAt(0)) {
      this.#pos++;
      return true;
    }
    return false;
  }

  #next(): number {
    if (!this.#more()) throw this.#error('unexpected end-of-string');
    return this.#chars[this.#pos++] as number;
  }

  // Lucene's parseUnionExp / parseInterExp / parseConcatExp are right-recursive; loops here, so
  // a long pattern costs no stack (groups still recurse, at most one level per `(`).
  #union(): RegexpNode {
    const items = [this.#intersection()];
    while (this.#match('|')) items.push(this.#intersection());
    return items.length === 1 ? (items[0] as RegexpNode) : { kind: 'union', items };
  }

  #intersection(): RegexpNode {
    const items = [this.#concat()];
    while (this.#match('&')) items.push(this.#concat());
    return items.length === 1 ? (items[0] as RegexpNode) : { kind: 'intersection', items };
  }

  #concat(): RegexpNode {
    const items = [this.#repeat()];
    while (this.#more() && !this.#peek(')|&')) items.push(this.#repeat());
    return items.length === 1 ? (items[0] as RegexpNode) : { kind: 'concat', items };
  }

  #repeat(): RegexpNode {
    let node = this.#complement();
    while (this.#peek('?*+{')) {
      if (this.#match('?')) node = { kind: 'optional', item: node };
      else if (this.#match('*')) node = { kind: 'star', item: node };
      else if (this.#match('+')) node = { kind: 'repeat', item: node, min: 1, max: undefined };
      else if (this.#match('{')) {
        const n = this.#integer();
        let m: number | undefined = n;
        if (this.#match(',')) m = this.#peek('0123456789') ? this.#integer() : undefined;
        if (!this.#match('}')) throw this.#error(`expected '}' at position ${this.#pos}`);
        node = { kind: 'repeat', item: node, min: n, max: m };
      }
    }
    return node;
  }

  #integer(): number {
    const start = this.#pos;
    while (this.#peek('0123456789')) this.#pos++;
    if (start === this.#pos) throw this.#error(`integer expected at position ${this.#pos}`);
    const value = Number(String.fromCodePoint(...this.#chars.slice(start, this.#pos)));
    // Java's Integer.parseInt: larger numbers are a NumberFormatException.
    if (value > INT_MAX) throw this.#error(`integer too large at position ${start}`);
    return value;
  }

  #complement(): RegexpNode {
    let negations = 0;
    while (this.#match('~')) negations++;
    let node = this.#charClassExp();
    for (let i = 0; i < negations; i++) node = { kind: 'complement', item: node };
    return node;
  }

  #charClassExp(): RegexpNode {
    if (!this.#match('[')) return this.#simple();
    const negate = this.#match('^');
    const sets = [this.#charClass()];
    while (this.#more() && !this.#peek(']')) sets.push(this.#charClass());
    let set = unionCharSets(sets);
    if (negate) set = complementCharSet(set);
    if (!this.#match(']')) throw this.#error(`expected ']' at position ${this.#pos}`);
    return { kind: 'chars', set };
  }

  #charClass(): CharSet {
    const predefined = this.#predefined();
    if (predefined !== undefined) return predefined;
    const c = this.#charExp();
    if (this.#match('-')) {
      const to = this.#charExp();
      if (c > to) throw this.#error(`invalid range: from (${c}) cannot be > to (${to})`);
      return charRange(c, to);
    }
    return charOf(c, this.caseInsensitive);
  }

  /** Lucene 9's matchPredefinedCharacterClass: consumes a `\` even when no class follows. */
  #predefined(): CharSet | undefined {
    if (!this.#match('\\')) return undefined;
    if (this.#peek('dDwWsS')) {
      const letter = String.fromCodePoint(this.#next());
      const set = PREDEFINED[letter.toLowerCase()] as CharSet;
      return letter === letter.toLowerCase() ? set : complementCharSet(set);
    }
    if (this.#peek('\\')) return charOf(this.#next(), this.caseInsensitive);
    if (this.#more() && INVALID_ESCAPES.has(String.fromCodePoint(this.#chars[this.#pos] as number)))
      throw this.#error(`invalid character class \\${String.fromCodePoint(this.#next())}`);
    return undefined;
  }

  #charExp(): number {
    this.#match('\\');
    return this.#next();
  }

  #simple(): RegexpNode {
    if (this.#match('.')) return { kind: 'chars', set: ANY_CHAR };
    if (this.#match('#')) return { kind: 'emptyLanguage' };
    if (this.#match('@')) return { kind: 'anyString' };
    if (this.#match('"')) {
      const start = this.#pos;
      while (this.#more() && !this.#peek('"')) this.#pos++;
      if (!this.#match('"')) throw this.#error(`expected '"' at position ${this.#pos}`);
      return {
        kind: 'string',
        chars: this.#chars.slice(start, this.#pos - 1).map((c) => charOf(c, this.caseInsensitive)),
      };
    }
    if (this.#match('(')) {
      if (this.#match(')')) return { kind: 'string', chars: [] };
      const inner = this.#union();
      if (!this.#match(')')) throw this.#error(`expected ')' at position ${this.#pos}`);
      return inner;
    }
    if (this.#match('<')) return this.#angle();
    const predefined = this.#predefined();
    if (predefined !== undefined) return { kind: 'chars', set: predefined };
    return { kind: 'chars', set: charOf(this.#charExp(), this.caseInsensitive) };
  }

  /** `<n-m>` (numeric interval) or `<name>` (a named automaton, which Elasticsearch never has). */
  #angle(): RegexpNode {
    const start = this.#pos;
    while (this.#more() && !this.#peek('>')) this.#pos++;
    if (!this.#match('>')) throw this.#error(`expected '>' at position ${this.#pos}`);
    const body = String.fromCodePoint(...this.#chars.slice(start, this.#pos - 1));
    const dash = body.indexOf('-');
    if (dash === -1) return { kind: 'named', name: body };
    const error = this.#error(`interval syntax error at position ${this.#pos - 1}`);
    if (dash === 0 || dash === body.length - 1 || dash !== body.lastIndexOf('-')) throw error;
    const low = body.slice(0, dash);
    const high = body.slice(dash + 1);
    // Integer.parseInt: an optional sign, then digits, within int range.
    const int = (text: string): number => {
      if (!/^[+-]?\d+$/.test(text)) throw error;
      const value = Number(text);
      if (value > INT_MAX || value < -INT_MAX - 1) throw error;
      return value;
    };
    let min = int(low);
    let max = int(high);
    const digits = low.length === high.length ? low.length : 0;
    if (min > max) [min, max] = [max, min];
    return { kind: 'interval', min, max, digits };
  }
}

/**
 * Parses a Lucene regular expression.
 * @throws RegexpSyntaxError with Lucene's message and the position.
 */
export function parseLuceneRegexp(pattern: string, caseInsensitive = false): RegexpNode {
  return new Parser(pattern, caseInsensitive).parse();
}

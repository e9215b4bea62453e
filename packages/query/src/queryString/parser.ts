/**
 * Lucene's classic QueryParser grammar (QueryParser.jj, Lucene 8) as Elasticsearch 7's
 * query_string runs it, producing alertkit's query AST. Hand-written rather than built on the
 * npm `lucene` package, whose PEG grammar differs where MozDef's own queries need it: it rejects
 * `\.` inside a regex (`/.*\.(exe|sh)/`), cannot negate a group (`-(a b)`), silently drops a
 * dangling operator (`a AND`), and has no notion of the classic parser's whitespace rule below.
 *
 * The classic parser's rules reproduced here:
 * - Operators are flat, not a precedence tree (QueryParserBase.addClause): `AND` makes the clause
 *   before and after it required, `NOT`/`-` prohibits the next one, `+` requires it, and a bare
 *   clause is optional (default operator OR) or required (AND); `a AND b OR c` is `+a +b c`.
 * - It does not split on whitespace: a run of two or more plain terms (no field, no operator,
 *   none followed by `:`, `*`, `~`, `^`, AND, OR) is ONE text, analysed as a whole
 *   (`Failed password` -> match "Failed password": tokens OR-ed on a text field, one exact value on
 *   a keyword field); `summary: test conf` is `summary:test` plus `conf` on the default field.
 * Elasticsearch's additions (QueryStringQueryParser): a purely negative boolean (also a nested
 * one) gets "match all" added; `_exists_:f` and `f:*` are `exists`; `*` alone matches all;
 * `f:>v`, `f:>=v`, `f:<v`, `f:<=v` are one-sided ranges; an empty query matches nothing.
 */
import type { BoolClause, Clause, RangeClause } from '@alertkit/core';
import { fuzzyEdits } from '../automaton/fuzzy.js';
import { queryStringError } from './errors.js';
import { type Token, type TokenKind, tokenize } from './lexer.js';

type Occur = 'must' | 'should' | 'mustNot';
type Conjunction = 'none' | 'and' | 'or';
type Modifier = 'none' | 'required' | 'prohibited';

interface BooleanEntry {
  occur: Occur;
  clause: Clause;
}

/** Token kinds after which a term does not join a whitespace-separated run (Lucene's list). */
const ENDS_MULTI_TERM: ReadonlySet<TokenKind> = new Set([
  'COLON',
  'STAR',
  'FUZZY_SLOP',
  'CARAT',
  'AND',
  'OR',
]);
/** Token kinds that can start a clause. */
const CLAUSE_START: ReadonlySet<TokenKind> = new Set([
  'TERM',
  'STAR',
  'PREFIXTERM',
  'WILDTERM',
  'REGEXPTERM',
  'NUMBER',
  'BAREOPER',
  'RANGEIN_START',
  'RANGEEX_START',
  'QUOTED',
  'LPAREN',
]);
const OPERATOR_START: ReadonlySet<TokenKind> = new Set(['AND', 'OR', 'PLUS', 'MINUS', 'NOT']);

/**
 * How deep parentheses may nest. Lucene's parser recurses per level and has no limit of its own
 * (a deep enough query overflows its stack); this one refuses clearly, far above any real query.
 */
export const MAX_PARENTHESES_DEPTH = 1_000;

export class QueryStringParser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(
    private readonly query: string,
    private readonly defaultOperator: 'OR' | 'AND',
  ) {
    this.tokens = tokenize(query);
  }

  /** The whole query: clauses up to the end of the input. */
  parse(defaultField: string): Clause {
    const clause = this.parseQuery(defaultField);
    const rest = this.peek();
    if (rest.kind !== 'EOF') throw this.error(rest, 'an operator, a term or the end');
    return clause;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'EOF') this.index++;
    return token;
  }

  private accept(kind: TokenKind): Token | undefined {
    return this.peek().kind === kind ? this.next() : undefined;
  }

  private expect(kinds: readonly TokenKind[], what: string): Token {
    const token = this.peek();
    if (!kinds.includes(token.kind)) throw this.error(token, what);
    return this.next();
  }

  private error(token: Token, expected: string): Error {
    return queryStringError(this.query, token.start, expected);
  }

  /** Query ::= (MultiTerm | Modifiers Clause) (MultiTerm | Conjunction Modifiers Clause)* */
  private parseQuery(field: string): Clause {
    const entries: BooleanEntry[] = [];
    let first: Clause | undefined;
    if (this.multiTermAhead()) {
      first = this.multiTerm(field, entries);
    } else {
      const modifier = this.modifier();
      const clause = this.clause(field);
      this.addClause(entries, 'none', modifier, clause);
      if (modifier === 'none') first = clause;
    }
    while (CLAUSE_START.has(this.peek().kind) || OPERATOR_START.has(this.peek().kind)) {
      if (this.multiTermAhead()) {
        this.multiTerm(field, entries);
      } else {
        const conjunction = this.conjunction();
        const modifier = this.modifier();
        this.addClause(entries, conjunction, modifier, this.clause(field));
      }
    }
    if (entries.length === 1 && first !== undefined) return first;
    return booleanOf(entries);
  }

  private multiTermAhead(): boolean {
    return (
      this.peek().kind === 'TERM' &&
      this.peek(1).kind === 'TERM' &&
      !ENDS_MULTI_TERM.has(this.peek(2).kind)
    );
  }

  /** Two or more plain terms separated by whitespace: one text for the analyser. */
  private multiTerm(field: string, entries: BooleanEntry[]): Clause {
    const first = this.next();
    const words = [first.image];
    while (this.peek().kind === 'TERM' && !ENDS_MULTI_TERM.has(this.peek(1).kind))
      words.push(this.next().image);
    const clause = this.fieldQuery(field, this.unescape(words.join(' '), first));
    entries.push({ occur: this.defaultOperator === 'AND' ? 'must' : 'should', clause });
    return clause;
  }

  private conjunction(): Conjunction {
    if (this.accept('AND') !== undefined) return 'and';
    if (this.accept('OR') !== undefined) return 'or';
    return 'none';
  }

  private modifier(): Modifier {
    if (this.accept('PLUS') !== undefined) return 'required';
    if (this.accept('MINUS') !== undefined || this.accept('NOT') !== undefined) return 'prohibited';
    return 'none';
  }

  /** QueryParserBase.addClause: the flat operator rule. */
  private addClause(
    entries: BooleanEntry[],
    conjunction: Conjunction,
    modifier: Modifier,
    clause: Clause,
  ): void {
    const previous = entries.at(-1);
    if (previous !== undefined && previous.occur !== 'mustNot') {
      // `AND` makes the clause before it required; under default AND, `OR` makes it optional.
      if (conjunction === 'and') previous.occur = 'must';
      if (conjunction === 'or' && this.defaultOperator === 'AND') previous.occur = 'should';
    }
    const prohibited = modifier === 'prohibited';
    const required =
      this.defaultOperator === 'OR'
        ? modifier === 'required' || (conjunction === 'and' && !prohibited)
        : !prohibited && conjunction !== 'or';
    entries.push({ occur: prohibited ? 'mustNot' : required ? 'must' : 'should', clause });
  }

  /** Clause ::= [(TERM | STAR) COLON] (Term | LPAREN Query RPAREN [CARAT NUMBER]) */
  private clause(field: string): Clause {
    const head = this.peek();
    if ((head.kind === 'TERM' || head.kind === 'STAR') && this.peek(1).kind === 'COLON') {
      field = head.kind === 'STAR' ? '*' : this.unescape(head.image, head);
      this.index += 2;
    }
    const open = this.accept('LPAREN');
    if (open !== undefined) {
      if (++this.depth > MAX_PARENTHESES_DEPTH)
        throw queryStringError(
          this.query,
          open.start,
          `at most ${MAX_PARENTHESES_DEPTH} nested parentheses, not more`,
        );
      const inner = this.parseQuery(field);
      this.expect(['RPAREN'], 'a closing )');
      this.depth--;
      this.boost();
      return inner;
    }
    return this.term(field);
  }

  /** `^N` is accepted and ignored: nothing is scored (every query runs in filter context). */
  private boost(): void {
    if (this.accept('CARAT') !== undefined) this.expect(['NUMBER'], 'a number after ^');
  }

  /** Optional `^N` and `~N` after a term, in either order; returns the `~` token if any. */
  private termSuffixes(): Token | undefined {
    let slop: Token | undefined;
    if (this.peek().kind === 'CARAT') {
      this.boost();
      slop = this.accept('FUZZY_SLOP');
    } else {
      slop = this.accept('FUZZY_SLOP');
      if (slop !== undefined) this.boost();
    }
    return slop;
  }

  private term(field: string): Clause {
    const token = this.next();
    switch (token.kind) {
      case 'RANGEIN_START':
      case 'RANGEEX_START':
        return this.range(field, token);
      case 'QUOTED': {
        const slop = this.termSuffixes();
        const text = this.unescape(token.image.slice(1, -1), token);
        if (field === '_exists_') return { type: 'exists', field: text };
        // Lucene: a `~` that is not a number leaves the default slop (0).
        const slopValue =
          slop === undefined ? 0 : Math.trunc(Number.parseFloat(slop.image.slice(1))) || 0;
        return slopValue > 0
          ? { type: 'phrase', field, value: text, slop: slopValue }
          : { type: 'phrase', field, value: text };
      }
      case 'STAR':
      case 'PREFIXTERM':
      case 'WILDTERM':
      case 'REGEXPTERM':
        // Lucene ignores a `~` on these (the wildcard/regexp wins).
        this.termSuffixes();
        if (token.kind === 'STAR')
          return field === '*' ? { type: 'matchAll' } : { type: 'exists', field };
        if (token.kind === 'REGEXPTERM')
          return { type: 'regexp', field, pattern: token.image.slice(1, -1) };
        if (token.kind === 'PREFIXTERM') {
          // Lucene: getPrefixQuery with the escapes removed (`a\*b*` is the prefix "a*b").
          return { type: 'prefix', field, value: this.unescape(token.image.slice(0, -1), token) };
        }
        // Wildcard patterns keep their escapes (`\*` is a literal star), as Lucene passes them.
        return { type: 'wildcard', field, pattern: token.image };
      case 'TERM':
      case 'NUMBER':
      case 'BAREOPER': {
        const slop = this.termSuffixes();
        const text =
          token.kind === 'BAREOPER' ? token.image.slice(0, 1) : this.unescape(token.image, token);
        if (slop !== undefined) return this.fuzzy(field, text, slop);
        return this.fieldQuery(field, text);
      }
      case 'AND':
      case 'OR':
      case 'NOT':
      case 'PLUS':
      case 'MINUS':
      case 'LPAREN':
      case 'RPAREN':
      case 'COLON':
      case 'CARAT':
      case 'FUZZY_SLOP':
      case 'RANGE_TO':
      case 'RANGEIN_END':
      case 'RANGEEX_END':
      case 'RANGE_QUOTED':
      case 'RANGE_GOOP':
      case 'EOF':
        throw this.error(token, 'a term, a phrase, a range or (');
    }
  }

  /**
   * `term~` / `term~N` (Lucene's handleBareFuzzy with Elasticsearch's getFuzzyDistance): `~` alone
   * is Fuzziness.AUTO for the term as written, `~N` is min(2, (int) N), an unreadable N the
   * classic parser's default (2 edits), a negative one an error.
   */
  private fuzzy(field: string, text: string, slop: Token): Clause {
    const edits = fuzzyEdits(text, slop.image.slice(1));
    if (edits < 0)
      throw queryStringError(
        this.query,
        slop.start,
        'a fuzziness of 0 or more (Minimum similarity for a FuzzyQuery has to be between 0.0f and 1.0f !)',
      );
    if (field === '_exists_') return { type: 'exists', field: text };
    return { type: 'fuzzy', field, value: text, fuzziness: edits as 0 | 1 | 2 };
  }

  /** A plain term (or whitespace-joined run of terms) on a field. */
  private fieldQuery(field: string, text: string): Clause {
    if (field === '_exists_') return { type: 'exists', field: text };
    // Elasticsearch: `>v`, `>=v`, `<v`, `<=v` are one-sided ranges.
    if (text.length > 1 && (text.startsWith('>') || text.startsWith('<'))) {
      const inclusive = text.length > 2 && text[1] === '=';
      const bound = text.slice(inclusive ? 2 : 1);
      const clause: RangeClause = { type: 'range', field };
      if (text.startsWith('>')) clause[inclusive ? 'gte' : 'gt'] = bound;
      else clause[inclusive ? 'lte' : 'lt'] = bound;
      return clause;
    }
    return {
      type: 'match',
      field,
      value: text,
      operator: this.defaultOperator === 'AND' ? 'and' : 'or',
    };
  }

  /** `[a TO b]`, `{a TO b}`, mixed; `*` is an open end; quoted bounds lose their quotes. */
  private range(field: string, start: Token): Clause {
    const bound = ['RANGE_GOOP', 'RANGE_QUOTED', 'RANGE_TO'] as const;
    const lower = this.expect(bound, 'a lower bound');
    this.expect(['RANGE_TO'], 'TO');
    const upper = this.expect(bound, 'an upper bound');
    const end = this.expect(['RANGEIN_END', 'RANGEEX_END'], '] or }');
    this.boost();
    const value = (token: Token): string | undefined => {
      if (token.kind === 'RANGE_QUOTED') return this.unescape(token.image.slice(1, -1), token);
      return token.image === '*' ? undefined : this.unescape(token.image, token);
    };
    const clause: RangeClause = { type: 'range', field };
    const from = value(lower);
    const to = value(upper);
    if (from !== undefined) clause[start.kind === 'RANGEIN_START' ? 'gte' : 'gt'] = from;
    if (to !== undefined) clause[end.kind === 'RANGEIN_END' ? 'lte' : 'lt'] = to;
    return clause;
  }

  /** Lucene's discardEscapeChar: `\x` is `x`, `\uXXXX` is that UTF-16 unit. */
  private unescape(text: string, token: Token): string {
    if (!text.includes('\\')) return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i] ?? '';
      if (c !== '\\') {
        out += c;
        continue;
      }
      if (i + 1 >= text.length) throw this.error(token, 'a character after the escape \\');
      if (text[i + 1] !== 'u') {
        out += text[++i] ?? '';
        continue;
      }
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error(token, 'four hex digits after \\u');
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    }
    return out;
  }
}

/** The clauses of one level as a bool; a purely negative one gets "match all" (Elasticsearch). */
function booleanOf(entries: readonly BooleanEntry[]): BoolClause {
  const bool: BoolClause = { type: 'bool' };
  for (const occur of ['must', 'should', 'mustNot'] as const) {
    const clauses = entries.filter((entry) => entry.occur === occur).map((entry) => entry.clause);
    if (clauses.length > 0) bool[occur] = clauses;
  }
  if (bool.must === undefined && bool.should === undefined) bool.must = [{ type: 'matchAll' }];
  return bool;
}

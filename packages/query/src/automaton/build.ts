import { type Fragment, type Nfa, complementDfa, determinize, intersectDfa } from './automaton.js';
import { ANY_CHAR, type CharSet, charRange } from './charSet.js';
import { RegexpSyntaxError, type RegexpNode, charOf } from './luceneRegexp.js';

/** Builds the NFA fragment of a parsed Lucene regexp (Thompson's construction). */
export function buildRegexp(nfa: Nfa, node: RegexpNode): Fragment {
  switch (node.kind) {
    case 'chars':
      return nfa.chars(node.set);
    case 'string':
      return nfa.concat(node.chars.map((set) => nfa.chars(set)));
    case 'anyString':
      return nfa.anyString();
    case 'emptyLanguage':
      return nfa.nothing();
    case 'union':
      return nfa.union(node.items.map((item) => buildRegexp(nfa, item)));
    case 'concat':
      return nfa.concat(node.items.map((item) => buildRegexp(nfa, item)));
    case 'intersection': {
      // Determinise each operand, intersect the DFAs (product), and splice the result back in.
      const [first, ...rest] = node.items.map((item) => determinize(nfa, buildRegexp(nfa, item)));
      let dfa = first as ReturnType<typeof determinize>;
      for (const other of rest) dfa = intersectDfa(dfa, other);
      return nfa.embed(dfa);
    }
    case 'complement':
      return nfa.embed(complementDfa(determinize(nfa, buildRegexp(nfa, node.item))));
    case 'optional':
      return nfa.optional(buildRegexp(nfa, node.item));
    case 'star':
      return nfa.star(buildRegexp(nfa, node.item));
    case 'repeat':
      return repeat(nfa, node.item, node.min, node.max);
    case 'interval':
      return buildRegexp(nfa, decimalInterval(node.min, node.max, node.digits));
    case 'named':
      // Lucene: "'name' not found" (Elasticsearch passes no automaton provider).
      throw new RegexpSyntaxError(`'${node.name}' not found`, 0);
  }
}

/** `item{min,max}` (`max` undefined: no upper bound), Operations.repeat: `min > max` matches nothing. */
function repeat(nfa: Nfa, item: RegexpNode, min: number, max: number | undefined): Fragment {
  if (max !== undefined && min > max) return nfa.nothing();
  const copies: Fragment[] = [];
  for (let i = 0; i < min; i++) copies.push(buildRegexp(nfa, item));
  if (max === undefined) {
    copies.push(nfa.star(buildRegexp(nfa, item)));
  } else if (max > min) {
    // x{2,5} = xx(x(x(x)?)?)?: nested optionals, linear in the number of copies.
    let tail = nfa.optional(buildRegexp(nfa, item));
    for (let i = min + 1; i < max; i++)
      tail = nfa.optional(nfa.concat([buildRegexp(nfa, item), tail]));
    copies.push(tail);
  }
  return nfa.concat(copies);
}

const DIGIT: CharSet = charRange(0x30, 0x39);
const digit = (d: string): RegexpNode => ({ kind: 'chars', set: charOf(d.charCodeAt(0), false) });

/** The strings of `lo.length` digits between `lo` and `hi` (same length), digit by digit. */
function sameWidthRange(lo: string, hi: string): RegexpNode {
  if (lo.length === 0) return { kind: 'string', chars: [] };
  const rest = lo.length - 1;
  if (lo[0] === hi[0]) {
    return {
      kind: 'concat',
      items: [digit(lo[0] as string), sameWidthRange(lo.slice(1), hi.slice(1))],
    };
  }
  const items: RegexpNode[] = [
    {
      kind: 'concat',
      items: [digit(lo[0] as string), sameWidthRange(lo.slice(1), '9'.repeat(rest))],
    },
  ];
  const a = lo.charCodeAt(0) + 1;
  const b = hi.charCodeAt(0) - 1;
  if (a <= b) {
    items.push({
      kind: 'concat',
      items: [
        { kind: 'chars', set: charRange(a, b) },
        ...Array.from({ length: rest }, (): RegexpNode => ({ kind: 'chars', set: DIGIT })),
      ],
    });
  }
  items.push({
    kind: 'concat',
    items: [digit(hi[0] as string), sameWidthRange('0'.repeat(rest), hi.slice(1))],
  });
  return { kind: 'union', items };
}

/**
 * Lucene's `<min-max>` (Automata.makeDecimalInterval): with `digits` the numbers zero-padded to
 * that width; without, the numbers with any number of leading zeros, except when the upper bound
 * has one digit (then exactly one digit: `<0-5>` rejects "03", as Lucene does).
 */
function decimalInterval(min: number, max: number, digits: number): RegexpNode {
  if (digits > 0)
    return sameWidthRange(String(min).padStart(digits, '0'), String(max).padStart(digits, '0'));
  const items: RegexpNode[] = [];
  for (let width = String(min).length; width <= String(max).length; width++) {
    const lo = Math.max(min, width === 1 ? 0 : 10 ** (width - 1));
    const hi = Math.min(max, 10 ** width - 1);
    if (lo <= hi) items.push(sameWidthRange(String(lo), String(hi)));
  }
  const canonical: RegexpNode = { kind: 'union', items };
  if (String(max).length === 1) return canonical;
  return { kind: 'concat', items: [{ kind: 'star', item: digit('0') }, canonical] };
}

/**
 * Lucene's WildcardQuery.toAutomaton (and Elasticsearch's case-insensitive variant): `*` any
 * string, `?` any one character, `\` makes the next character literal (a trailing `\` is itself;
 * an escaped character is never case-folded), everything else literal.
 */
export function buildWildcard(nfa: Nfa, pattern: string, caseInsensitive: boolean): Fragment {
  const parts: Fragment[] = [];
  const chars = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as number;
    if (c === 0x2a) parts.push(nfa.anyString());
    else if (c === 0x3f) parts.push(nfa.chars(ANY_CHAR));
    else if (c === 0x5c && i + 1 < chars.length)
      parts.push(nfa.chars(charOf(chars[++i] as number, false)));
    else parts.push(nfa.chars(charOf(c, caseInsensitive)));
  }
  return nfa.concat(parts);
}

/**
 * The seeded query strings the hostile fuzz test and `pnpm bench` (worst case per string) share:
 * three in four are random runs of query-string syntax, one in four an adversarial shape.
 */
import { seededRandom } from '../seededRandom.js';

const PIECES = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  '/',
  '\\',
  ':',
  '*',
  '?',
  '~',
  '^',
  '+',
  '-',
  '!',
  '&&',
  '||',
  ' AND ',
  ' OR ',
  ' NOT ',
  ' TO ',
  ' ',
  'a',
  'root',
  'hostname',
  'summary',
  'details.x',
  '_exists_',
  '1',
  '2.5',
  '>=',
  '<',
  '=',
  '<1-10>',
  '@',
  '#',
  '&',
  '|',
  '.',
  '{2,3}',
  'é',
  '\u0000',
  '\ud83d\ude00',
  '\ud800',
  '\t',
  '\n',
];

/** Adversarial shapes: deep nesting, long runs, unterminated constructs, exploding patterns. */
function adversarial(random: () => number): string {
  const n = 1 + Math.floor(random() * 1000);
  switch (Math.floor(random() * 10)) {
    case 0:
      return `${'('.repeat(n)}a${')'.repeat(Math.floor(random() * n))}`;
    case 1:
      return `hostname:/${'(a+)+'.repeat(1 + Math.floor(random() * 20))}b/`;
    case 2:
      return `hostname:${'*a'.repeat(1 + Math.floor(random() * 60))}b`;
    case 3:
      return `"${'a '.repeat(n)}`;
    case 4:
      return 'NOT '.repeat(n);
    case 5:
      return `f:[${'a'.repeat(n)} TO`;
    case 6:
      return `${'a~'.repeat(n)}`;
    case 7:
      return `hostname:/${'['.repeat(Math.floor(random() * 100))}a/`;
    case 8:
      return `${'\\'.repeat(n)}`;
    default:
      return `a:${'b:'.repeat(n)}c`;
  }
}

/** `count` query strings from `seed`: the same strings on every run. */
export function* fuzzQueries(seed: number, count: number): Generator<string> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    if (i % 4 === 3) {
      yield adversarial(random);
      continue;
    }
    let query = '';
    const length = Math.floor(random() * 24);
    for (let j = 0; j < length; j++) query += PIECES[Math.floor(random() * PIECES.length)];
    yield query;
  }
}

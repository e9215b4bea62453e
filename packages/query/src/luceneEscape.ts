/**
 * Escaping for values placed into Lucene query syntax (Elasticsearch `query_string`), so that a
 * value such as `a:b OR *` stays one literal term and can never change a query's meaning.
 *
 * A query string written by an alert author (`queryString(...)`) is never escaped: it is Lucene
 * syntax on purpose.
 */

// Lucene's classic QueryParser.escape() set plus `=`, `<`, `>` which Elasticsearch's
// query_string treats as operators, and whitespace, which would end the term.
const SPECIAL = /[\\+\-=&|><!(){}[\]^"~*?:/\s]/g;

/**
 * Escapes every character that Lucene's query syntax (as Elasticsearch's `query_string` reads
 * it) would interpret, so the result is read back as one literal term: `a:b OR *` becomes
 * `a\:b\ OR\ \*`, and the bare words `AND`, `OR`, `NOT` become `\AND`, `\OR`, `\NOT`. Also
 * right for field names (`details.some-field` -> `details.some\-field`). Checked against Lucene 8's
 * classic QueryParser in luceneEscape.test.ts.
 *
 * One limit of Elasticsearch itself: an unquoted term whose text starts with `<` or `>` is read as
 * a one-sided range even when escaped. Use {@link luceneQuote} for values that may start so.
 */
export function luceneEscape(value: string): string {
  const escaped = value.replace(SPECIAL, (c) => `\\${c}`);
  // A whole term spelled AND, OR or NOT is an operator; escaping a letter keeps it a word.
  return escaped === 'AND' || escaped === 'OR' || escaped === 'NOT' ? `\\${escaped}` : escaped;
}

/**
 * A quoted Lucene phrase: `"` and `\` are escaped, nothing else has a meaning inside quotes.
 * On a text field a quoted value is a phrase query; on a keyword field it is one exact term.
 */
export function luceneQuote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * One bound of a Lucene range (`[a TO b]`). Inside brackets Lucene only stops a bound at
 * whitespace, `]` or `}`, so IP addresses and ISO timestamps (`2017-01-01T00:00:00+00:00`,
 * `2001:db8::`) are written as they are, which is what MozDef's `SubnetMatch` sends; anything
 * else that could end the bound, the bare word `TO` or a lone `*` (open end) is quoted.
 */
export function luceneRangeBound(value: string): string {
  if (value === '' || value === 'TO' || value === '*' || /[\s\]}"\\]/.test(value))
    return luceneQuote(value);
  return value;
}

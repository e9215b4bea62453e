import {
  AlertkitError,
  type AggregationSpec,
  type BoolClause,
  type Clause,
  type Criteria,
  type Duration,
  type ExistsClause,
  type MatchClause,
  type PhraseClause,
  type QueryStringClause,
  type RangeClause,
  type Scalar,
  type SubnetClause,
  type TermsClause,
  type WildcardClause,
} from '@alertkit/core';

function requireField(matcher: string, field: unknown): string {
  if (typeof field !== 'string' || field === '' || field.startsWith('.') || field.endsWith('.') || field.includes('..')) {
    throw new AlertkitError('QUERY_INVALID', `${matcher}: field must be a dotted path such as "details.sourceipaddress", got ${JSON.stringify(field)}`);
  }
  return field;
}

/** MozDef's `TermMatch`: Elasticsearch `match` (analysed on text fields, exact on keywords). */
export function match(field: string, value: Scalar): MatchClause {
  return { type: 'match', field: requireField('match', field), value };
}

/** MozDef's `TermsMatch`: any of the exact (unanalysed) values. */
export function terms(field: string, values: readonly Scalar[]): TermsClause {
  return { type: 'terms', field: requireField('terms', field), values: [...values] };
}

/** MozDef's `PhraseMatch`: Elasticsearch `match_phrase`. */
export function phrase(field: string, value: string): PhraseClause {
  return { type: 'phrase', field: requireField('phrase', field), value };
}

/** MozDef's `WildcardMatch`: `*` any run of characters, `?` one. */
export function wildcard(field: string, pattern: string): WildcardClause {
  return { type: 'wildcard', field: requireField('wildcard', field), pattern };
}

/** MozDef's `ExistsMatch`: the field has at least one non-null value. */
export function exists(field: string): ExistsClause {
  return { type: 'exists', field: requireField('exists', field) };
}

/** MozDef's `RangeMatch`: `from <= field <= to` (both ends included). */
export function range(field: string, from: Scalar, to: Scalar): RangeClause {
  return { type: 'range', field: requireField('range', field), gte: from, lte: to };
}

/** MozDef's `LessThanMatch`: `field < to` (strict). */
export function lessThan(field: string, to: Scalar): RangeClause {
  return { type: 'range', field: requireField('lessThan', field), lt: to };
}

/** MozDef's `QueryStringMatch`: Lucene syntax, written by the alert author and kept raw. */
export function queryString(query: string): QueryStringClause {
  if (typeof query !== 'string' || query.trim() === '') {
    throw new AlertkitError('QUERY_INVALID', 'queryString: the query must be a non-empty string');
  }
  return { type: 'queryString', query };
}

/** MozDef's `SubnetMatch`: the field's IP address lies in the CIDR (IPv4 or IPv6). */
export function subnet(field: string, cidr: string): SubnetClause {
  return { type: 'subnet', field: requireField('subnet', field), cidr };
}

/** Boolean composition (a `should` needs at least one match: `minimumShouldMatch` is 1 when there are should clauses). */
export function bool(clauses: { must?: Clause[]; mustNot?: Clause[]; should?: Clause[]; minimumShouldMatch?: number }): BoolClause {
  const out: BoolClause = { type: 'bool' };
  if (clauses.must?.length) out.must = [...clauses.must];
  if (clauses.mustNot?.length) out.mustNot = [...clauses.mustNot];
  if (clauses.should?.length) {
    out.should = [...clauses.should];
    out.minimumShouldMatch = clauses.minimumShouldMatch ?? 1;
  }
  return out;
}

/** `A | B | ...` in MozDef's alerts: at least one of the clauses. */
export function anyOf(...clauses: Clause[]): BoolClause {
  return bool({ should: clauses });
}

/** `A + B + ...` in MozDef's alerts: all of the clauses. */
export function allOf(...clauses: Clause[]): BoolClause {
  return bool({ must: clauses });
}

/** `NOT A`: none of the clauses. */
export function not(...clauses: Clause[]): BoolClause {
  return bool({ mustNot: clauses });
}

/**
 * The fluent builder for an alert's criteria (MozDef's `SearchQuery`). Immutable: every method
 * returns a new builder, so a base query can be shared.
 *
 * @example
 * search({ minutes: 2 })
 *   .must(match('category', 'syslog'), phrase('summary', 'failed password'))
 *   .mustNot(match('details.sourceipaddress', '10.0.0.1'))
 *   .aggregate('details.sourceipaddress', { threshold: 10, samples: 10 })
 */
export class SearchBuilder {
  readonly #criteria: Criteria;

  constructor(criteria: Criteria = { query: { type: 'bool' } }) {
    this.#criteria = criteria;
  }

  #with(change: (c: Criteria) => Criteria): SearchBuilder {
    return new SearchBuilder(change(structuredClone(this.#criteria)));
  }

  #add(list: 'must' | 'mustNot' | 'should', clauses: Clause[]): SearchBuilder {
    return this.#with((c) => {
      const query = c.query;
      query[list] = [...(query[list] ?? []), ...clauses.flat()];
      if (list === 'should') query.minimumShouldMatch = 1;
      return c;
    });
  }

  /** Clauses that must all match. */
  must(...clauses: (Clause | Clause[])[]): SearchBuilder {
    return this.#add('must', clauses.flat());
  }

  /** Clauses none of which may match. */
  mustNot(...clauses: (Clause | Clause[])[]): SearchBuilder {
    return this.#add('mustNot', clauses.flat());
  }

  /** Clauses at least one of which must match. */
  should(...clauses: (Clause | Clause[])[]): SearchBuilder {
    return this.#add('should', clauses.flat());
  }

  /** The time window: the last `duration` before `now`. */
  window(duration: Duration): SearchBuilder {
    return this.#with((c) => ({ ...c, window: { ...duration } }));
  }

  /** Group matches by `field`: groups with at least `threshold` events count; alerts carry `samples` events (default 5). */
  aggregate(field: string, options: { threshold: number; samples?: number }): SearchBuilder {
    const spec: AggregationSpec = {
      field: requireField('aggregate', field),
      threshold: options.threshold,
      samples: options.samples ?? 5,
    };
    return this.#with((c) => ({ ...c, aggregation: spec }));
  }

  /** The criteria as plain data. */
  build(): Criteria {
    return structuredClone(this.#criteria);
  }

  /** Serialises as the plain criteria. */
  toJSON(): Criteria {
    return this.build();
  }
}

/** Starts criteria, optionally with a time window (`search({ minutes: 2 })`). */
export function search(window?: Duration): SearchBuilder {
  const builder = new SearchBuilder();
  return window ? builder.window(window) : builder;
}

/**
 * @alertkit/query: build an alert's criteria, translate them to Elasticsearch/OpenSearch DSL,
 * and evaluate them in memory with Elasticsearch semantics.
 */
export {
  SearchBuilder,
  allOf,
  anyOf,
  bool,
  exists,
  lessThan,
  match,
  not,
  phrase,
  queryString,
  range,
  search,
  subnet,
  terms,
  wildcard,
} from './builder.js';

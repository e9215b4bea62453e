import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Runs query strings through Lucene's classic QueryParser over an in-memory index, configured as
 * Elasticsearch 7's query_string configures it. Each difference from plain Lucene is Elasticsearch's
 * and is marked "ES:" below; the comparison is limited to `text` (standard analyser) and `keyword`
 * fields, where both mean the same.
 */
final class OracleSearch {
  private OracleSearch() {}

  private static final String FIELD_NAMES = "_field_names";
  private static final String DOC_INDEX = "_doc_index";

  static List<Object> run(Map<String, Object> search) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) search.get("fields");
    List<String> fieldNames = new ArrayList<>(fields.keySet());
    Map<String, Analyzer> perField = new HashMap<>();
    for (String name : fieldNames) {
      if ("text".equals(fields.get(name))) perField.put(name, new EsStandardAnalyzer());
    }
    // Keyword fields are indexed and searched as one unanalysed term.
    Analyzer analyzer = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), perField);

    ByteBuffersDirectory directory = new ByteBuffersDirectory();
    try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer))) {
      List<?> docs = (List<?>) search.get("docs");
      for (int i = 0; i < docs.size(); i++) {
        writer.addDocument(toDocument(i, (Map<?, ?>) docs.get(i), fields));
      }
    }
    List<Object> answers = new ArrayList<>();
    try (DirectoryReader reader = DirectoryReader.open(directory)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      for (Object item : (List<?>) search.get("queries")) {
        answers.add(runQuery(searcher, analyzer, fieldNames, (Map<?, ?>) item));
      }
    }
    return answers;
  }

  private static Document toDocument(int index, Map<?, ?> source, Map<String, Object> fields) {
    Document doc = new Document();
    doc.add(new StoredField(DOC_INDEX, index));
    for (Map.Entry<?, ?> entry : source.entrySet()) {
      String name = (String) entry.getKey();
      Object value = entry.getValue();
      List<?> values = value instanceof List ? (List<?>) value : Collections.singletonList(value);
      boolean present = false;
      for (Object v : values) {
        if (v == null) continue;
        present = true;
        if ("text".equals(fields.get(name))) doc.add(new TextField(name, (String) v, Field.Store.NO));
        else doc.add(new StringField(name, (String) v, Field.Store.NO));
      }
      // ES: `exists` / `_exists_` use the _field_names field; null and [] are absent.
      if (present) doc.add(new StringField(FIELD_NAMES, name, Field.Store.NO));
    }
    return doc;
  }

  private static Map<String, Object> runQuery(
      IndexSearcher searcher, Analyzer analyzer, List<String> fieldNames, Map<?, ?> item) throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    String defaultField = item.get("defaultField") == null ? "*" : (String) item.get("defaultField");
    EsQueryStringParser parser = new EsQueryStringParser(defaultField, analyzer, fieldNames);
    if ("AND".equals(item.get("defaultOperator"))) parser.setDefaultOperator(QueryParser.Operator.AND);
    Query query;
    try {
      query = parser.parse((String) item.get("query"));
    } catch (ParseException | RuntimeException e) {
      answer.put("error", e.getMessage());
      return answer;
    }
    answer.put("parsed", query.toString());
    List<Object> hits = new ArrayList<>();
    int max = Math.max(1, searcher.getIndexReader().maxDoc());
    for (ScoreDoc hit : searcher.search(query, max).scoreDocs) {
      hits.add(searcher.doc(hit.doc).getField(DOC_INDEX).numericValue().intValue());
    }
    hits.sort(null);
    answer.put("hits", hits);
    return answer;
  }

  /**
   * StandardAnalyzer (StandardTokenizer + LowerCaseFilter, no stop words) with ES's
   * position_increment_gap of 100 between array values (Lucene's default is 0), so a phrase never
   * spans two values.
   */
  static final class EsStandardAnalyzer extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      StandardTokenizer source = new StandardTokenizer();
      return new TokenStreamComponents(source, new LowerCaseFilter(source));
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
      return new LowerCaseFilter(in);
    }

    @Override
    public int getPositionIncrementGap(String fieldName) {
      return 100;
    }
  }

  /** Lucene's classic QueryParser with Elasticsearch 8 query_string's settings and overrides. */
  static final class EsQueryStringParser extends QueryParser {
    private final List<String> allFields;

    EsQueryStringParser(String defaultField, Analyzer analyzer, List<String> allFields) {
      super(defaultField, analyzer);
      this.allFields = allFields;
      // ES: split_on_whitespace is gone since 6.0 (false), leading wildcards are allowed.
      setSplitOnWhitespace(false);
      setAllowLeadingWildcard(true);
      setAutoGeneratePhraseQueries(false);
      setFuzzyMinSim(BARE_FUZZY);
    }

    /** What a bare `~` passes to getFuzzyQuery (never typed in the generated queries). */
    private static final float BARE_FUZZY = 0.123f;

    private interface PerField {
      Query build(String field) throws ParseException;
    }

    /**
     * ES: field `*` searches every field (leniently) and takes the best: a dis_max (not a
     * BooleanQuery, which the classic parser would flatten into its clause list).
     */
    private Query expand(String field, PerField perField) throws ParseException {
      if (!"*".equals(field)) return orNoMatch(perField.build(field));
      List<Query> perFieldQueries = new ArrayList<>();
      for (String name : allFields) {
        Query q = perField.build(name);
        if (q != null) perFieldQueries.add(q);
      }
      if (perFieldQueries.isEmpty()) return new MatchNoDocsQuery();
      return perFieldQueries.size() == 1 ? perFieldQueries.get(0) : new DisjunctionMaxQuery(perFieldQueries, 0f);
    }

    /**
     * ES: a value that analyses to no tokens is `zero_terms_query: none`, a clause that matches
     * nothing; plain Lucene drops the clause instead.
     */
    private static Query orNoMatch(Query q) {
      return q == null ? new MatchNoDocsQuery() : q;
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
      if ("_exists_".equals(field)) return new TermQuery(new Term(FIELD_NAMES, queryText));
      return expand(field, f -> super.getFieldQuery(f, queryText, quoted));
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, int slop) throws ParseException {
      return expand(field, f -> super.getFieldQuery(f, queryText, slop));
    }

    @Override
    protected Query getWildcardQuery(String field, String termStr) throws ParseException {
      if ("*".equals(field) && "*".equals(termStr)) return new MatchAllDocsQuery();
      return expand(field, f -> super.getWildcardQuery(f, termStr));
    }

    @Override
    protected Query getPrefixQuery(String field, String termStr) throws ParseException {
      return expand(field, f -> super.getPrefixQuery(f, termStr));
    }

    /**
     * ES 8 (QueryStringQueryParser.getRegexpQuerySingle -> the field type's regexpQuery): the
     * regexp goes to the field unchanged (classic Lucene lower-cases it with the analyser's
     * normaliser), with every optional syntax on (RegExp.ALL).
     */
    @Override
    protected Query getRegexpQuery(String field, String termStr) throws ParseException {
      return expand(field, f -> new RegexpQuery(new Term(f, termStr), RegExp.ALL));
    }

    @Override
    protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive,
        boolean endInclusive) throws ParseException {
      return expand(field, f -> super.getRangeQuery(f, part1, part2, startInclusive, endInclusive));
    }

    @Override
    protected Query getFuzzyQuery(String field, String termStr, float minSimilarity) throws ParseException {
      // ES (QueryStringQueryParser.handleBareFuzzy): a bare `~` is Fuzziness.AUTO (0 edits for 1-2
      // characters, 1 for 3-5, 2 above); classic Lucene would use 2. Lucene 8 keeps its
      // handleBareFuzzy package-private, so a bare `~` arrives here as BARE_FUZZY (fuzzyMinSim).
      int length = termStr.codePointCount(0, termStr.length());
      int edits = minSimilarity == BARE_FUZZY ? (length <= 2 ? 0 : length <= 5 ? 1 : 2) : (int) minSimilarity;
      // Then the term is normalised by the field's search analyser, Fuzziness.fromEdits (0-2),
      // prefix length 0, 50 expansions, transpositions on.
      if (edits < 0 || edits > 2) throw new ParseException("fuzziness must be 0, 1 or 2");
      return expand(field, f -> {
        String normalized = getAnalyzer().normalize(f, termStr).utf8ToString();
        return new FuzzyQuery(new Term(f, normalized), edits, 0, 50, true);
      });
    }

    /** ES: every purely negative boolean query (also nested) gets "match all" added. */
    @Override
    protected Query getBooleanQuery(List<BooleanClause> clauses) throws ParseException {
      Query q = super.getBooleanQuery(clauses);
      if (!(q instanceof BooleanQuery)) return q;
      BooleanQuery bq = (BooleanQuery) q;
      for (BooleanClause clause : bq.clauses()) {
        if (clause.getOccur() != BooleanClause.Occur.MUST_NOT) return q;
      }
      BooleanQuery.Builder fixed = new BooleanQuery.Builder();
      for (BooleanClause clause : bq.clauses()) fixed.add(clause);
      fixed.add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
      return fixed.build();
    }
  }
}

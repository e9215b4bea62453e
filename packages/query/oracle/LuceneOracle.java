import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizerImpl;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

/**
 * The differential oracle for alertkit's analyser and query_string parser: real Lucene 8
 * (Debian's liblucene8-java, what Elasticsearch 7 is built on).
 *
 * Reads one JSON request on stdin and writes one JSON answer on stdout (one JVM per test suite):
 *   {"analyze": [text, ...]}           -> {"tokens": [[[term, start, end, type, position], ...], ...]}
 *   {"tables": true}                   -> {"tables": {...}}: StandardTokenizerImpl's DFA and Java's
 *                                         per-code-point lower-case map (used to generate the TS tables)
 *   {"search": {"fields": {name: "text"|"keyword"}, "docs": [{name: value|[values]}],
 *               "queries": [{"query", "defaultField"?, "defaultOperator"?}]}}
 *                                      -> {"search": [{"parsed": String, "hits": [docIndex...]}
 *                                                     | {"error": message}, ...]}
 */
public final class LuceneOracle {
  private LuceneOracle() {}

  public static void main(String[] args) throws Exception {
    String input = new String(readAll(System.in), StandardCharsets.UTF_8);
    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) MiniJson.parse(input);
    Map<String, Object> answer = new LinkedHashMap<>();
    if (request.containsKey("analyze")) answer.put("tokens", analyzeAll((List<?>) request.get("analyze")));
    if (Boolean.TRUE.equals(request.get("tables"))) answer.put("tables", tokenizerTables());
    if (request.containsKey("search")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> search = (Map<String, Object>) request.get("search");
      answer.put("search", OracleSearch.run(search));
    }
    StringBuilder out = new StringBuilder();
    MiniJson.write(out, answer);
    PrintStream stdout = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    stdout.println(out);
    stdout.flush();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 16];
    int n;
    while ((n = in.read(chunk)) > 0) buffer.write(chunk, 0, n);
    return buffer.toByteArray();
  }

  /** Elasticsearch's `standard` analyser is Lucene's StandardAnalyzer without stop words. */
  private static List<Object> analyzeAll(List<?> texts) throws IOException {
    List<Object> out = new ArrayList<>();
    try (Analyzer analyzer = new StandardAnalyzer(CharArraySet.EMPTY_SET)) {
      for (Object text : texts) out.add(analyze(analyzer, "summary", (String) text));
    }
    return out;
  }

  static List<Object> analyze(Analyzer analyzer, String field, String text) throws IOException {
    List<Object> tokens = new ArrayList<>();
    try (TokenStream stream = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
      TypeAttribute type = stream.addAttribute(TypeAttribute.class);
      PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
      stream.reset();
      int position = -1;
      while (stream.incrementToken()) {
        position += increment.getPositionIncrement();
        List<Object> token = new ArrayList<>();
        token.add(term.toString());
        token.add(offset.startOffset());
        token.add(offset.endOffset());
        token.add(type.type());
        token.add(position);
        tokens.add(token);
      }
      stream.end();
    }
    return tokens;
  }

  /**
   * The JFlex DFA of StandardTokenizerImpl (character classes as runs over all code points,
   * row map, transitions, attributes, actions) and Character.toLowerCase for every code point
   * it changes. The TypeScript analyser runs this DFA, so it segments exactly as Lucene does.
   */
  private static Map<String, Object> tokenizerTables() throws Exception {
    Map<String, Object> tables = new LinkedHashMap<>();
    char[] cmap = (char[]) staticField("ZZ_CMAP");
    List<Object> runs = new ArrayList<>();
    int previous = -1;
    for (int cp = 0; cp < cmap.length; cp++) {
      if (cmap[cp] != previous) {
        previous = cmap[cp];
        runs.add(new int[] {cp, previous});
      }
    }
    tables.put("cmapLength", cmap.length);
    tables.put("cmapRuns", runs);
    tables.put("rowMap", staticField("ZZ_ROWMAP"));
    tables.put("trans", staticField("ZZ_TRANS"));
    tables.put("attribute", staticField("ZZ_ATTRIBUTE"));
    tables.put("action", staticField("ZZ_ACTION"));
    tables.put("lexState", staticField("ZZ_LEXSTATE"));
    Map<String, Object> lowerCase = new HashMap<>();
    List<Object> pairs = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      int lower = Character.toLowerCase(cp);
      if (lower != cp) pairs.add(new int[] {cp, lower});
    }
    lowerCase.put("pairs", pairs);
    lowerCase.put("javaVersion", System.getProperty("java.version"));
    tables.put("lowerCase", lowerCase);
    return tables;
  }

  private static Object staticField(String name) throws Exception {
    Field field = StandardTokenizerImpl.class.getDeclaredField(name);
    field.setAccessible(true);
    return field.get(null);
  }
}

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON reader and writer, so the oracle needs nothing beyond the Lucene jars Debian ships.
 * Reads objects (LinkedHashMap), arrays (ArrayList), strings, numbers (Double), booleans, null.
 * Writes every character outside printable ASCII as a \\uXXXX escape, which keeps lone UTF-16
 * surrogates intact across the process boundary (JSON.stringify escapes them the same way).
 */
final class MiniJson {
  private final String text;
  private int pos;

  private MiniJson(String text) {
    this.text = text;
  }

  static Object parse(String text) {
    MiniJson reader = new MiniJson(text);
    Object value = reader.readValue();
    reader.skipWhitespace();
    if (reader.pos != text.length()) throw reader.error("trailing characters");
    return value;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON: " + what + " at " + pos);
  }

  private void skipWhitespace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
  }

  private Object readValue() {
    skipWhitespace();
    if (pos >= text.length()) throw error("unexpected end");
    char c = text.charAt(pos);
    switch (c) {
      case '{': return readObject();
      case '[': return readArray();
      case '"': return readString();
      case 't': expect("true"); return Boolean.TRUE;
      case 'f': expect("false"); return Boolean.FALSE;
      case 'n': expect("null"); return null;
      default: return readNumber();
    }
  }

  private void expect(String word) {
    if (!text.startsWith(word, pos)) throw error("expected " + word);
    pos += word.length();
  }

  private Map<String, Object> readObject() {
    Map<String, Object> out = new LinkedHashMap<>();
    pos++;
    skipWhitespace();
    if (text.charAt(pos) == '}') { pos++; return out; }
    while (true) {
      skipWhitespace();
      String key = readString();
      skipWhitespace();
      if (text.charAt(pos++) != ':') throw error("expected :");
      out.put(key, readValue());
      skipWhitespace();
      char c = text.charAt(pos++);
      if (c == '}') return out;
      if (c != ',') throw error("expected , or }");
    }
  }

  private List<Object> readArray() {
    List<Object> out = new ArrayList<>();
    pos++;
    skipWhitespace();
    if (text.charAt(pos) == ']') { pos++; return out; }
    while (true) {
      out.add(readValue());
      skipWhitespace();
      char c = text.charAt(pos++);
      if (c == ']') return out;
      if (c != ',') throw error("expected , or ]");
    }
  }

  private String readString() {
    if (text.charAt(pos) != '"') throw error("expected string");
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = text.charAt(pos++);
      if (c == '"') return sb.toString();
      if (c != '\\') { sb.append(c); continue; }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n': sb.append('\n'); break;
        case 't': sb.append('\t'); break;
        case 'r': sb.append('\r'); break;
        case 'b': sb.append('\b'); break;
        case 'f': sb.append('\f'); break;
        case 'u': sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16)); pos += 4; break;
        default: sb.append(e);
      }
    }
  }

  private Double readNumber() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) pos++;
    if (start == pos) throw error("unexpected character");
    return Double.valueOf(text.substring(start, pos));
  }

  /** Appends `value` (Map, List, String, Number, Boolean, null, int[]) as JSON. */
  static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String) {
      writeString(out, (String) value);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value.toString());
    } else if (value instanceof int[]) {
      int[] array = (int[]) value;
      out.append('[');
      for (int i = 0; i < array.length; i++) {
        if (i > 0) out.append(',');
        out.append(array[i]);
      }
      out.append(']');
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!first) out.append(',');
        first = false;
        writeString(out, entry.getKey().toString());
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        if (!first) out.append(',');
        first = false;
        write(out, item);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass());
    }
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    out.append('"');
  }
}

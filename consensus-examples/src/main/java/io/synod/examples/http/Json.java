package io.synod.examples.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The little JSON the example servers speak: flat objects of strings, whole numbers, booleans and
 * nulls. Writing and reading both, so the example clients need no JSON library.
 */
public final class Json {
    private Json() {
    }

    /** A flat object from alternating names and values (String, Number, Boolean or null). */
    public static String object(Object... namesAndValues) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            string(out, (String) namesAndValues[i]);
            out.append(':');
            Object value = namesAndValues[i + 1];
            if (value == null) {
                out.append("null");
            } else if (value instanceof Number || value instanceof Boolean) {
                out.append(value);
            } else {
                string(out, value.toString());
            }
        }
        return out.append('}').toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses a flat object: values come back as String, Long (whole numbers), Double, Boolean or null. */
    public static Map<String, Object> parse(String json) {
        Parser p = new Parser(json);
        Map<String, Object> result = new LinkedHashMap<>();
        p.skipSpace();
        p.expect('{');
        p.skipSpace();
        if (p.peek() == '}') {
            p.pos++;
            return result;
        }
        while (true) {
            p.skipSpace();
            String name = p.string();
            p.skipSpace();
            p.expect(':');
            p.skipSpace();
            result.put(name, p.value());
            p.skipSpace();
            char c = p.next();
            if (c == '}') {
                return result;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected ',' or '}' at " + (p.pos - 1) + " in " + json);
            }
        }
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        char peek() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON: " + s);
            }
            return s.charAt(pos);
        }

        char next() {
            char c = peek();
            pos++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + (pos - 1) + " in " + s);
            }
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            if (s.startsWith("true", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("false", pos)) {
                pos += 5;
                return false;
            }
            int start = pos;
            boolean fraction = false;
            while (pos < s.length() && "0123456789-+.eE".indexOf(s.charAt(pos)) >= 0) {
                fraction |= "+.eE".indexOf(s.charAt(pos)) >= 0;
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + pos + " in " + s);
            }
            String number = s.substring(start, pos);
            return fraction ? (Object) Double.parseDouble(number) : (Object) Long.parseLong(number);
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> out.append(e);
                }
            }
        }
    }
}

package io.synod.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of one history line: an object of strings, integers, booleans, nulls, and a nested {@code meta} kept raw. */
final class JsonLine {
    private final String s;
    private int pos;

    private JsonLine(String s) {
        this.s = s;
    }

    static Map<String, Object> parse(String line) {
        JsonLine p = new JsonLine(line);
        Map<String, Object> result = new LinkedHashMap<>();
        p.space();
        p.expect('{');
        p.space();
        if (p.peek() == '}') {
            return result;
        }
        while (true) {
            p.space();
            String name = p.string();
            p.space();
            p.expect(':');
            p.space();
            result.put(name, name.equals("meta") ? p.raw() : p.scalar());
            p.space();
            char c = p.next();
            if (c == '}') {
                return result;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected ',' or '}' at column " + p.pos);
            }
        }
    }

    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
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
        return out.append('"').toString();
    }

    private char peek() {
        if (pos >= s.length()) {
            throw new IllegalArgumentException("the line ends in the middle of a JSON object");
        }
        return s.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at column " + pos);
        }
    }

    private void space() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private Object scalar() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        for (String word : new String[] {"null", "true", "false"}) {
            if (s.startsWith(word, pos)) {
                pos += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        int start = pos;
        if (c == '-') {
            pos++;
        }
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        if (start == pos || (pos == start + 1 && c == '-')) {
            throw new IllegalArgumentException("unexpected '" + c + "' at column " + pos);
        }
        return Long.parseLong(s.substring(start, pos));
    }

    /** Skips any JSON value, returning its text. */
    private String raw() {
        int start = pos;
        int depth = 0;
        boolean inString = false;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (inString) {
                if (c == '\\') {
                    pos++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
            pos++;
        }
        return s.substring(start, pos).trim();
    }

    private String string() {
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
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> out.append(e);
            }
        }
    }
}

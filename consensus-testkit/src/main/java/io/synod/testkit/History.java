package io.synod.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes histories in the JSON Lines format of {@code shared/HISTORY.md} (version 1):
 * one operation per line. Unknown fields are refused (the format allows no other names), except
 * inside {@code meta}, which is kept as raw JSON and ignored.
 */
public final class History {
    private History() {
    }

    public static List<Operation> read(Path file) throws IOException {
        List<Operation> operations = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    operations.add(parse(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        }
        return operations;
    }

    /** One line of a history. */
    public static Operation parse(String line) {
        try {
            return parseFields(JsonLine.parse(line));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("a field has the wrong type (" + e.getMessage() + ")", e);
        }
    }

    private static Operation parseFields(Map<String, Object> fields) {
        for (String name : fields.keySet()) {
            if (!List.of("client", "op", "key", "value", "expect", "ok", "result", "call_ns", "return_ns", "meta").contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'");
            }
        }
        Object op = require(fields, "op");
        Operation.Kind kind = switch (String.valueOf(op)) {
            case "put" -> Operation.Kind.PUT;
            case "get" -> Operation.Kind.GET;
            case "cas" -> Operation.Kind.CAS;
            default -> throw new IllegalArgumentException("unknown op '" + op + "'; expected put, get or cas");
        };
        Object ok = fields.get("ok");
        Object returnNs = fields.get("return_ns");
        return new Operation(((Long) require(fields, "client")).intValue(), kind, (String) require(fields, "key"),
                (String) fields.get("value"), (String) fields.get("expect"), (Boolean) ok, (String) fields.get("result"),
                (Long) require(fields, "call_ns"), (Long) returnNs);
    }

    private static Object require(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing the required field '" + name + "'");
        }
        return value;
    }

    /** One operation as a line (without a trailing newline). */
    public static String format(Operation o, String metaJson) {
        StringBuilder out = new StringBuilder("{");
        out.append("\"client\":").append(o.client());
        out.append(",\"op\":").append(JsonLine.quote(o.kind().name().toLowerCase()));
        out.append(",\"key\":").append(JsonLine.quote(o.key()));
        if (o.kind() != Operation.Kind.GET) {
            out.append(",\"value\":").append(JsonLine.quote(o.value()));
        }
        if (o.kind() == Operation.Kind.CAS) {
            out.append(",\"expect\":").append(JsonLine.quote(o.expect()));
        }
        out.append(",\"ok\":").append(o.ok());
        out.append(",\"result\":").append(JsonLine.quote(o.result()));
        out.append(",\"call_ns\":").append(o.callNs());
        out.append(",\"return_ns\":").append(o.returnNs());
        if (metaJson != null) {
            out.append(",\"meta\":").append(metaJson);
        }
        return out.append('}').toString();
    }

    public static void write(List<Operation> operations, Writer out) throws IOException {
        for (Operation o : operations) {
            out.write(format(o, null));
            out.write('\n');
        }
    }
}

package io.poolkeeper.api.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.TreeSet;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Words a YAML or mapping error on one line, as {@code line N: what is wrong} or
 * {@code field.path (line N): what is wrong}, in the terms of the YAML file rather than of the
 * Java types behind it.
 */
final class YamlProblem {
    private YamlProblem() {}

    static String describe(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException yaml) return syntax(yaml);
        }
        if (e instanceof JsonMappingException mapping) return mapping(mapping);
        String where = e.getLocation() != null ? "line " + e.getLocation().getLineNr() + ": " : "";
        return where + e.getOriginalMessage();
    }

    /** SnakeYAML's own message spans lines with a caret drawing; its parts fit on one. */
    private static String syntax(MarkedYAMLException e) {
        String context = e.getContext() == null || e.getContextMark() == null ? ""
                : " (" + e.getContext() + " at line " + (e.getContextMark().getLine() + 1) + ")";
        return "line " + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem() + context;
    }

    private static String mapping(JsonMappingException e) {
        String path = path(e);
        if (e instanceof UnrecognizedPropertyException unknown) {
            // No line: records are built after their whole mapping is read, so Jackson's location
            // is the mapping's end, not the unknown field.
            return path + ": unknown field; the fields here are " + String.join(", ", known(unknown));
        }
        String where = e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "";
        return (path.isEmpty() ? "the config" : path) + where + ": " + why(e);
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) path.append('.');
                path.append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static TreeSet<String> known(UnrecognizedPropertyException e) {
        TreeSet<String> names = new TreeSet<>();
        e.getKnownPropertyIds().forEach(id -> names.add(String.valueOf(id)));
        return names;
    }

    /** Our own parsers' messages (durations, auth methods) are already written for people. */
    private static String why(JsonMappingException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) return iae.getMessage();
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected " + expected(mismatch.getTargetType());
        }
        return e.getOriginalMessage();
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class) return "a whole number";
        if (type == String.class) return "a single text value";
        if (type == Duration.class) return "a duration such as 500ms, 2s, 30m or 1h";
        if (type == Endpoint.class) return "a mapping such as {host: pg-0.pg, port: 5432}";
        if (type.isEnum()) return "one of its names";
        if (type.isRecord()) return "a mapping of fields (name: value)";
        return "a " + type.getSimpleName();
    }
}

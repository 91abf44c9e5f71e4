package io.poolkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every value in values.yaml carries a {@code # --} comment, and the table between the markers
 * in the chart's README is generated from them. After editing values.yaml: {@code mvn -B verify
 * -pl helm-tests -am -Dtest=ValuesDocTest -Dpoolkeeper.regenerate=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ValuesDocTest {
    private static final Path VALUES = Repo.CHART.resolve("values.yaml");
    private static final Path README = Repo.CHART.resolve("README.md");
    private static final String START = "<!-- values:start (generated from values.yaml by helm-tests' ValuesDocTest) -->";
    private static final String END = "<!-- values:end -->";
    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9_]*):(.*)$");
    private static final Pattern DOC = Pattern.compile("^ *# -- (.*)$");
    private static final Pattern DOC_MORE = Pattern.compile("^ *#   (.*)$");

    /** A documented key: its dotted path and its {@code # --} text. */
    record Documented(String path, String description) {}

    /** The keys of values.yaml with the {@code # --} comment above them, in file order. */
    static List<Documented> documented() {
        List<Documented> keys = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        StringBuilder pending = null;
        for (String line : Repo.read(VALUES).lines().toList()) {
            Matcher doc = DOC.matcher(line);
            Matcher more = DOC_MORE.matcher(line);
            Matcher key = KEY.matcher(line);
            if (doc.matches()) {
                pending = new StringBuilder(doc.group(1).strip());
            } else if (more.matches() && pending != null) {
                pending.append(' ').append(more.group(1).strip());
            } else if (key.matches()) {
                int indent = key.group(1).length();
                while (!indents.isEmpty() && indents.getLast() >= indent) {
                    indents.removeLast();
                    parents.removeLast();
                }
                String path = parents.isEmpty() ? key.group(2) : String.join(".", parents) + "." + key.group(2);
                if (pending != null) keys.add(new Documented(path, pending.toString()));
                pending = null;
                parents.add(key.group(2));
                indents.add(indent);
            } else if (!line.isBlank() && !line.strip().startsWith("#")) {
                pending = null;
            }
        }
        return keys;
    }

    static String table() throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile());
        StringBuilder out = new StringBuilder("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        for (Documented key : documented()) {
            JsonNode value = values.at("/" + key.path().replace('.', '/'));
            out.append("| `").append(key.path()).append("` | ").append(type(value)).append(" | ")
                    .append(defaultOf(value)).append(" | ").append(key.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    private static String type(JsonNode value) {
        if (value.isTextual()) return "string";
        if (value.isBoolean()) return "bool";
        if (value.isIntegralNumber()) return "int";
        if (value.isNumber()) return "float";
        if (value.isArray()) return "list";
        return "object";
    }

    private static String defaultOf(JsonNode value) {
        return "`" + value.toString().replace("|", "\\|") + "`";
    }

    /** Every leaf of values.yaml, by dotted path (lists and empty maps count as leaves). */
    private static List<String> leaves(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node.isObject() && node.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.addAll(leaves(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey()));
            }
        } else {
            out.add(path);
        }
        return out;
    }

    @Test
    void whenValuesAreReadThenEveryValueIsDocumentedItselfOrByTheMapHoldingIt() throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile());
        Map<String, String> docs = new LinkedHashMap<>();
        documented().forEach(d -> docs.put(d.path(), d.description()));
        for (String leaf : leaves(values, "")) {
            boolean covered = false;
            for (String p = leaf; p != null; p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : null) {
                covered |= docs.containsKey(p);
            }
            assertThat(covered).as("values.yaml: %s has no \"# --\" comment (nor does a map holding it)", leaf).isTrue();
        }
        assertThat(docs.values()).allSatisfy(d -> assertThat(d).hasSizeGreaterThan(10).endsWith("."));
    }

    @Test
    void whenTheReadmeIsReadThenItsValuesTableIsTheOneValuesYamlMakes() throws IOException {
        String readme = Repo.read(README);
        assertThat(readme).contains(START).contains(END);
        String current = readme.substring(readme.indexOf(START) + START.length(), readme.indexOf(END));
        String wanted = "\n" + table() + "\n";
        if (Repo.regenerate()) {
            Repo.write(README, readme.replace(START + current + END, START + wanted + END));
            current = wanted;
        }
        assertThat(current).as("helm/poolkeeper/README.md's values table is stale: rerun ValuesDocTest with -Dpoolkeeper.regenerate=true")
                .isEqualTo(wanted);
    }
}

package io.poolkeeper.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile read the way BuildKit reads one, as far as the checks need: line continuations,
 * comments, stages ({@code FROM image AS name}), and each instruction's flags and arguments, with
 * exec-form (JSON) arguments parsed.
 */
record Dockerfile(List<Stage> stages) {

    record Instruction(String keyword, List<String> flags, String arguments) {
        /** The arguments split on whitespace (shell form). */
        List<String> words() {
            return Arrays.stream(arguments.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        }

        /** The arguments of the exec (JSON array) form, e.g. {@code ENTRYPOINT ["java", "-cp", ...]}. */
        List<String> exec() {
            try {
                return new ObjectMapper().readValue(arguments, new TypeReference<List<String>>() {});
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(keyword + " is not in exec form: " + arguments, e);
            }
        }

        Optional<String> flag(String name) {
            return flags.stream().filter(f -> f.startsWith("--" + name + "=")).map(f -> f.substring(name.length() + 3)).findFirst();
        }
    }

    record Stage(String image, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The last instruction of a kind, the one in force (USER, WORKDIR, ENTRYPOINT, CMD). */
        Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.isEmpty()) throw new AssertionError("the stage from " + image + " has no " + keyword);
            return found.getLast();
        }
    }

    static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        List<String> globalArgs = new ArrayList<>();
        for (String line : logicalLines(text)) {
            String[] parts = line.strip().split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String rest = parts.length > 1 ? parts[1] : "";
            List<String> flags = new ArrayList<>();
            while (rest.startsWith("--")) {
                String[] flag = rest.split("\\s+", 2);
                flags.add(flag[0]);
                rest = flag.length > 1 ? flag[1] : "";
            }
            if (keyword.equals("FROM")) {
                String[] from = rest.split("\\s+");
                String image = substitute(from[0], globalArgs);
                String name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
                stages.add(new Stage(image, name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (keyword.equals("ARG")) globalArgs.add(rest.strip());
            } else {
                stages.getLast().instructions().add(new Instruction(keyword, List.copyOf(flags), rest.strip()));
            }
        }
        return new Dockerfile(stages);
    }

    /** {@code ${NAME}} in a FROM replaced by the default of a global {@code ARG NAME=default}. */
    private static String substitute(String image, List<String> args) {
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length == 2) image = image.replace("${" + kv[0] + "}", kv[1]).replace("$" + kv[0], kv[1]);
        }
        return image;
    }

    /** Comment lines dropped, backslash-continued lines joined. */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) continue;
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                if (!current.toString().isBlank()) lines.add(current.toString());
                current.setLength(0);
            }
        }
        return lines;
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst().orElseThrow(() -> new AssertionError("no stage " + name));
    }

    Stage runtime() {
        return stages.getLast();
    }
}

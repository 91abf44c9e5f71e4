package io.poolkeeper.sidecar;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that runs a class of this test's classpath in a JVM of its own, on the JDK running the tests. */
final class ChildJvm {
    private ChildJvm() {}

    static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** Failsafe starts its fork through a manifest-only jar, so java.class.path there is that jar alone. */
    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).replace(' ', File.pathSeparatorChar);
    }
}

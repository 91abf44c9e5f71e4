package io.poolkeeper.localpg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a command to completion and captures its output, killing it if it outlives its timeout. */
final class CommandRunner {

    private CommandRunner() {}

    /**
     * Runs {@code argv} with {@code env} added to this process's environment. {@code directory} may
     * be null to keep the current one. Standard input is closed at once so a command that would
     * prompt sees end-of-file instead of hanging.
     */
    static ProcessResult run(List<String> argv, Map<String, String> env, Path directory, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(env);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LocalPostgresException("Could not run " + argv.getFirst() + ": " + e.getMessage(), e);
        }
        // Both pipes are drained concurrently: a command filling one while we block on the other would deadlock.
        Future<String> stdout = reader(process.getInputStream());
        Future<String> stderr = reader(process.getErrorStream());
        closeStandardInput(process);
        if (!waitFor(process, timeout)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new LocalPostgresException(String.join(" ", argv) + " did not finish within "
                    + Await.describe(timeout) + " and was killed; its output so far:\n"
                    + collect(stdout) + collect(stderr));
        }
        return new ProcessResult(process.exitValue(), collect(stdout), collect(stderr));
    }

    /** Throws with the command's own words when it failed. */
    static ProcessResult requireSuccess(ProcessResult result, String what) {
        if (!result.succeeded()) {
            throw new LocalPostgresException(what + " failed (exit code " + result.exitCode() + "):\n"
                    + result.stderr() + result.stdout());
        }
        return result;
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new LocalPostgresException("Interrupted while waiting for " + process.info().command().orElse("a command"), e);
        }
    }

    private static void closeStandardInput(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // The command exited before reading its input; nothing was lost.
        }
    }

    private static Future<String> reader(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        Thread.ofVirtual().start(task);
        return task;
    }

    /** A daemon started by the command may keep a pipe open, so reading is given only a short grace. */
    private static String collect(Future<String> output) {
        try {
            return output.get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}

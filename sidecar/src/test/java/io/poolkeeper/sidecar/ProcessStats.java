package io.poolkeeper.sidecar;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This JVM's resources as a leak check sees them: heap in use after a full GC, resident set
 * size, open file descriptors, platform threads, and the sidecar's client virtual threads (from
 * a JSON thread dump, the one place the JDK lists virtual threads).
 */
record ProcessStats(long heapBytes, long rssBytes, int fds, int platformThreads, int clientThreads) {

    static ProcessStats now() {
        return new ProcessStats(heapAfterGc(), readRss(), countFds(), ManagementFactory.getThreadMXBean().getThreadCount(), countClientThreads());
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long readRss() {
        try {
            Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int countFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Threads named poolkeeper-client-N alive now, virtual ones included. */
    static int countClientThreads() {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path file = dir.resolve("dump.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(file);
            Files.delete(file);
            Files.delete(dir);
            Matcher m = Pattern.compile("\"name\":\\s*\"poolkeeper-client-\\d+\"").matcher(json);
            int n = 0;
            while (m.find()) n++;
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return String.format("heap %.1f MiB, RSS %.1f MiB, %d fds, %d platform threads, %d client threads",
                heapBytes / 1048576.0, rssBytes / 1048576.0, fds, platformThreads, clientThreads);
    }
}

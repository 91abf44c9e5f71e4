package io.poolkeeper.sidecar;

import io.poolkeeper.sidecar.protocol.WireClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients of {@link IdleClientsIT}, in a process of their own so that they take no memory,
 * threads or file descriptors from the sidecar's JVM, which the test measures. Arguments: the
 * sidecar's port and how many clients. Logs them all in (trust), prints {@code READY ok failed},
 * then obeys stdin: {@code query} runs {@code select 1} on every client and prints
 * {@code QUERIED ok failed}; {@code close} closes them all, prints {@code CLOSED} and exits.
 */
public final class IdleClientsMain {
    private IdleClientsMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        List<WireClient> clients = new CopyOnWriteArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        int batch = 250;
        for (int from = 0; from < count; from += batch) {
            List<Thread> threads = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        WireClient c = WireClient.connect(port, Duration.ofSeconds(60));
                        if (c.loginTrust(RunningSidecar.USER, RunningSidecar.DATABASE).succeeded()) clients.add(c);
                        else failed.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }));
            }
            for (Thread t : threads) t.join();
        }
        System.out.println("READY " + clients.size() + " " + failed.get());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("query")) {
                int ok = 0;
                int bad = 0;
                for (WireClient c : clients) {
                    try {
                        var replies = c.simpleQuery("select 1");
                        if (replies.stream().anyMatch(m -> m.type() == 'D') && replies.stream().noneMatch(m -> m.type() == 'E')) ok++;
                        else bad++;
                    } catch (Exception e) {
                        bad++;
                    }
                }
                System.out.println("QUERIED " + ok + " " + bad);
            } else if (line.equals("close")) {
                for (WireClient c : clients) {
                    try {
                        c.send(WireClient.terminate());
                        c.close();
                    } catch (Exception ignored) {
                        // closing anyway
                    }
                }
                System.out.println("CLOSED");
                return;
            }
        }
    }
}

package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void handsOutDistinctBindablePortsBelowTheEphemeralRange() throws Exception {
        int first = FreePorts.next();
        int second = FreePorts.next();

        assertThat(first).isNotEqualTo(second).isBetween(20_000, 32_000);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(FreePorts.HOST, first));
        }
    }

    @Test
    void skipsAPortSomeoneListensOn() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(FreePorts.HOST, 0));
            for (int i = 0; i < 100; i++) {
                assertThat(FreePorts.next()).isNotEqualTo(taken.getLocalPort());
            }
        }
    }
}

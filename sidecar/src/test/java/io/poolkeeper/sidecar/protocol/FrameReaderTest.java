package io.poolkeeper.sidecar.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Framing of client and server bytes into messages, whatever the socket hands over per read. */
class FrameReaderTest {

    @Test
    void whenSeveralMessagesArriveInOneReadThenEachIsReturnedInOrderFromOneRead() throws IOException {
        byte[] bytes = concat(WireClient.query("select 1"), WireClient.sync(), WireClient.query("select 2"));
        CountingStream in = new CountingStream(bytes, Integer.MAX_VALUE);
        FrameReader reader = new FrameReader(in, 512, 10_000);

        assertThat(reader.next()).isTrue();
        assertThat(reader.type()).isEqualTo((byte) 'Q');
        assertThat(body(reader)).isEqualTo("select 1\0");
        assertThat(reader.hasBufferedMessage()).isTrue();
        assertThat(reader.next()).isTrue();
        assertThat(reader.type()).isEqualTo((byte) 'S');
        assertThat(reader.bodyLength()).isZero();
        assertThat(reader.next()).isTrue();
        assertThat(body(reader)).isEqualTo("select 2\0");
        assertThat(reader.hasBufferedMessage()).isFalse();
        assertThat(in.reads).isEqualTo(1);
        assertThat(reader.next()).isFalse();
    }

    @Test
    void whenTheStreamGivesOneByteAtATimeThenMessagesAreStillWholeAndExact() throws IOException {
        String longQuery = "select '" + "x".repeat(3000) + "'";
        byte[] first = WireClient.query(longQuery);
        byte[] bytes = concat(first, WireClient.sync(), WireClient.query("select 3"));
        FrameReader reader = new FrameReader(new CountingStream(bytes, 1), 16, 10_000);

        assertThat(reader.next()).isTrue();
        assertThat(body(reader)).isEqualTo(longQuery + "\0");
        assertThat(reader.messageLength()).isEqualTo(first.length);
        assertThat(Arrays.copyOfRange(reader.array(), reader.messageStart(), reader.messageStart() + reader.messageLength()))
                .isEqualTo(first);
        assertThat(reader.next()).isTrue();
        assertThat(reader.type()).isEqualTo((byte) 'S');
        assertThat(reader.next()).isTrue();
        assertThat(body(reader)).isEqualTo("select 3\0");
        assertThat(reader.next()).isFalse();
    }

    @Test
    void whenAMessageIsLongerThanTheCapThenItIsRefusedBeforeItsBodyIsRead() {
        byte[] header = {'Q', 0, 0, 0x27, 0x11}; // length 10001, one over the cap; no body follows
        FrameReader reader = new FrameReader(new ByteArrayInputStream(header), 512, 10_000);

        assertThatThrownBy(reader::next).isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("invalid message length 10001");
    }

    @Test
    void whenAMessageIsExactlyAtTheCapThenItIsAccepted() throws IOException {
        byte[] body = new byte[10_000 - 4];
        Arrays.fill(body, (byte) 'a');
        FrameReader reader = new FrameReader(new ByteArrayInputStream(WireClient.message('d', body)), 512, 10_000);

        assertThat(reader.next()).isTrue();
        assertThat(reader.bodyLength()).isEqualTo(body.length);
    }

    @Test
    void whenTheCapIsRaisedAfterLoginThenLargerMessagesPass() throws IOException {
        byte[] big = WireClient.message('d', new byte[20_000]);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(concat(WireClient.sync(), big)), 512, 10_000);
        assertThat(reader.next()).isTrue();

        reader.setMaxMessageBytes(64 << 20);

        assertThat(reader.next()).isTrue();
        assertThat(reader.bodyLength()).isEqualTo(20_000);
    }

    @Test
    void whenALengthIsBelowFourOrNegativeThenItIsAProtocolViolation() {
        for (int length : new int[] {3, 0, -1, Integer.MIN_VALUE}) {
            byte[] header = {'Q', (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
            FrameReader reader = new FrameReader(new ByteArrayInputStream(header), 512, 10_000);
            assertThatThrownBy(reader::next).as("length %d", length).isInstanceOf(ProtocolViolation.class)
                    .hasMessageContaining("invalid message length " + length);
        }
    }

    @Test
    void whenTheStreamEndsInsideABodyThenEofExceptionIsThrown() {
        byte[] whole = WireClient.query("select 1");
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
        FrameReader reader = new FrameReader(new CountingStream(truncated, 2), 512, 10_000);

        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
    }

    @Test
    void whenTheStreamEndsInsideAHeaderThenEofExceptionIsThrown() throws IOException {
        byte[] bytes = concat(WireClient.sync(), new byte[] {'Q', 0, 0});
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), 512, 10_000);

        assertThat(reader.next()).isTrue();
        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
    }

    @Test
    void whenTheStreamEndsBetweenMessagesThenNextReturnsFalse() throws IOException {
        FrameReader empty = new FrameReader(new ByteArrayInputStream(new byte[0]), 512, 10_000);
        assertThat(empty.next()).isFalse();

        FrameReader one = new FrameReader(new ByteArrayInputStream(WireClient.sync()), 512, 10_000);
        assertThat(one.next()).isTrue();
        assertThat(one.next()).isFalse();
    }

    private static String body(FrameReader r) {
        return new String(r.array(), r.bodyStart(), r.bodyLength(), StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Hands out at most {@code chunk} bytes per read and counts the reads that returned data. */
    private static final class CountingStream extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int pos;
        int reads;

        CountingStream(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (pos >= bytes.length) return -1;
            int n = Math.min(Math.min(len, chunk), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            reads++;
            return n;
        }
    }
}

package io.poolkeeper.sidecar.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property tests of the decoders that read bytes from clients and servers: {@link FrameReader}
 * on random and mutated byte streams cut into random chunks, and {@link ErrorFields} on random
 * bodies. The reader must agree with a five-line reference decoder of the same bytes (same
 * messages, same ending: clean end, protocol violation or end inside a message), throw nothing
 * but those two {@link IOException}s, and never hold a buffer larger than its cap allows.
 */
class FrameReaderPropertiesTest {
    /** Lengths a fuzzer should try in a header: the edges of the cap and of an int. */
    private static final int[] SPECIAL_LENGTHS = {0, 1, 3, 4, 5, 8, 512, 8192, 8193, 65_536, 10_000_000,
            Integer.MAX_VALUE, Integer.MAX_VALUE - 3, -1, -4, Integer.MIN_VALUE};

    enum Ending { CLEAN, VIOLATION, EOF }

    record Frame(byte type, byte[] body) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.type == type && Arrays.equals(f.body, body);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "'" + (char) type + "'(" + body.length + ")";
        }
    }

    record Decoded(List<Frame> frames, Ending ending) {}

    /** One change to a well-formed stream. */
    record Mutation(int kind, int position, int value) {}

    @Property(tries = 3000, seed = "8")
    void whenAnyBytesArriveInAnyChunksThenTheReaderAgreesWithTheReferenceAndStaysWithinItsCap(
            @ForAll("streams") byte[] bytes,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 700) Integer> chunks,
            @ForAll @IntRange(min = 4, max = 3000) int cap,
            @ForAll @IntRange(min = 8, max = 1024) int initialCapacity) throws IOException {
        Decoded expected = reference(bytes, cap);
        ChunkedStream in = new ChunkedStream(bytes, chunks);
        FrameReader reader = new FrameReader(in, initialCapacity, cap);
        long bound = Math.max(initialCapacity, (long) cap + 1);
        List<Frame> got = new ArrayList<>();
        Ending ending;
        try {
            while (true) {
                boolean buffered = reader.hasBufferedMessage();
                int readsBefore = in.reads;
                if (!reader.next()) {
                    ending = Ending.CLEAN;
                    break;
                }
                if (buffered) assertThat(in.reads).as("a message said to be buffered needs no read").isEqualTo(readsBefore);
                assertThat(reader.bodyLength()).isBetween(0, cap - 4);
                assertThat(reader.bodyStart() + reader.bodyLength()).isLessThanOrEqualTo(reader.array().length);
                assertThat(reader.messageStart()).isEqualTo(reader.bodyStart() - 5);
                assertThat((long) reader.array().length).as("buffer size").isLessThanOrEqualTo(bound);
                assertThat((long) reader.array().length).as("buffer size against the %d bytes received", in.pos)
                        .isLessThanOrEqualTo(Math.max(initialCapacity, 2L * in.pos + 5));
                got.add(new Frame(reader.type(),
                        Arrays.copyOfRange(reader.array(), reader.bodyStart(), reader.bodyStart() + reader.bodyLength())));
                if (got.size() > bytes.length) fail("more messages than bytes: the reader loops");
            }
        } catch (ProtocolViolation e) {
            ending = Ending.VIOLATION;
        } catch (EOFException e) {
            ending = Ending.EOF;
        }
        assertThat((long) reader.array().length).as("buffer size at the end").isLessThanOrEqualTo(bound);
        assertThat((long) reader.array().length).as("buffer size at the end against the %d bytes received", in.pos)
                .isLessThanOrEqualTo(Math.max(initialCapacity, 2L * in.pos + 5));
        assertThat(got).isEqualTo(expected.frames());
        assertThat(ending).isEqualTo(expected.ending());
    }

    @Property(tries = 2000, seed = "8")
    void whenAnErrorResponseBodyIsAnyBytesThenParsingNeverThrows(@ForAll @Size(max = 200) byte[] body,
                                                                @ForAll @IntRange(max = 20) int offset) {
        byte[] padded = new byte[body.length + offset];
        System.arraycopy(body, 0, padded, offset, body.length);
        ErrorFields fields = ErrorFields.parse(padded, offset, body.length);
        assertThat(fields).isNotNull();
    }

    /** The protocol's framing, decoded from the whole stream at once. */
    static Decoded reference(byte[] b, int cap) {
        List<Frame> frames = new ArrayList<>();
        int pos = 0;
        while (true) {
            int remaining = b.length - pos;
            if (remaining == 0) return new Decoded(frames, Ending.CLEAN);
            if (remaining < 5) return new Decoded(frames, Ending.EOF);
            int length = Wire.readInt(b, pos + 1);
            if (length < 4 || length > cap) return new Decoded(frames, Ending.VIOLATION);
            if (remaining < length + 1) return new Decoded(frames, Ending.EOF);
            frames.add(new Frame(b[pos], Arrays.copyOfRange(b, pos + 5, pos + 1 + length)));
            pos += length + 1;
        }
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> wellFormed = frames();
        Arbitrary<byte[]> mutated = Combinators.combine(frames(), mutations().list().ofMinSize(1).ofMaxSize(4))
                .as(FrameReaderPropertiesTest::mutate);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, random),
                net.jqwik.api.Tuple.of(2, wellFormed),
                net.jqwik.api.Tuple.of(4, mutated));
    }

    private Arbitrary<byte[]> frames() {
        Arbitrary<Byte> types = Arbitraries.oneOf(
                Arbitraries.of((byte) 'Q', (byte) 'P', (byte) 'B', (byte) 'E', (byte) 'S', (byte) 'D', (byte) 'd', (byte) 'X'),
                Arbitraries.bytes());
        Arbitrary<byte[]> bodies = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.bytes().array(byte[].class).ofMinSize(400).ofMaxSize(3000));
        Arbitrary<byte[]> frame = Combinators.combine(types, bodies).as(FrameReaderPropertiesTest::frame);
        return frame.list().ofMaxSize(6).map(list -> concat(list.toArray(byte[][]::new)));
    }

    private Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers()).as(Mutation::new);
    }

    static byte[] frame(byte type, byte[] body) {
        return concat(new byte[] {type}, WireClient.int32(body.length + 4), body);
    }

    static byte[] mutate(byte[] stream, List<Mutation> mutations) {
        byte[] b = stream;
        for (Mutation m : mutations) {
            if (b.length == 0) return new byte[] {(byte) m.value()};
            int at = m.position() % b.length;
            b = switch (m.kind()) {
                case 0 -> { // flip one bit
                    byte[] c = b.clone();
                    c[at] ^= (byte) (1 << (m.value() & 7));
                    yield c;
                }
                case 1 -> Arrays.copyOf(b, at); // truncate
                case 2 -> { // put a special length at any offset
                    byte[] c = Arrays.copyOf(b, Math.max(b.length, at + 4));
                    int v = SPECIAL_LENGTHS[Math.floorMod(m.value(), SPECIAL_LENGTHS.length)];
                    System.arraycopy(WireClient.int32(v), 0, c, at, 4);
                    yield c;
                }
                case 3 -> concat(Arrays.copyOf(b, at), new byte[] {(byte) m.value()}, Arrays.copyOfRange(b, at, b.length));
                default -> concat(b, Arrays.copyOfRange(b, at, b.length)); // repeat a tail
            };
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Hands out the bytes in chunks of the given sizes, in turn, as a socket might. */
    static final class ChunkedStream extends InputStream {
        private final byte[] bytes;
        private final List<Integer> chunks;
        private int pos;
        int reads;

        ChunkedStream(byte[] bytes, List<Integer> chunks) {
            this.bytes = bytes;
            this.chunks = chunks;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the reader reads in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) throw new AssertionError("the reader asked for 0 bytes, which would spin");
            if (pos == bytes.length) return -1;
            int n = Math.min(Math.min(len, chunks.get(reads % chunks.size())), bytes.length - pos);
            reads++;
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}

package io.poolkeeper.sidecar.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Splits a socket's bytes into protocol messages without copying them: after {@link #next()} the
 * current message is {@link #type()} with its body at {@link #bodyStart()}..+{@link #bodyLength()}
 * in {@link #array()}. Reads as much as the socket has in one call, so several small messages
 * cost one read; only the 5-byte header of a message is ever interpreted here.
 */
public final class FrameReader {
    private final InputStream in;
    private final int initialCapacity;
    private int maxMessageBytes;
    private byte[] buf;
    /** The buffer as a ByteBuffer for channel reads, made again when the buffer is replaced. */
    private ByteBuffer view;
    private int pos;
    private int limit;
    private byte type;
    private int bodyStart;
    private int bodyLength;

    public FrameReader(InputStream in, int initialCapacity, int maxMessageBytes) {
        this.in = in;
        this.initialCapacity = initialCapacity;
        this.maxMessageBytes = maxMessageBytes;
        this.buf = new byte[initialCapacity];
    }

    /**
     * Advances to the next whole message, reading from the socket only when none is buffered.
     * The buffer grows with the bytes that arrive, at most to twice what it holds, so it never
     * exceeds twice the bytes received (nor the cap), whatever length a header claims.
     * @return false at a clean end of stream between messages
     * @throws ProtocolViolation for a length below 4 or above the cap
     * @throws EOFException when the stream ends inside a message
     */
    public boolean next() throws IOException {
        while (!nextBuffered()) {
            if (fill() < 0) {
                if (limit == pos) return false;
                throw new EOFException("connection closed inside a message");
            }
        }
        return true;
    }

    /**
     * Advances to the next whole message when one is already buffered; never reads. The message
     * before it is no longer valid after this call or a fill.
     * @throws ProtocolViolation for a length below 4 or above the cap
     */
    public boolean nextBuffered() throws ProtocolViolation {
        int available = limit - pos;
        if (available < 5) return false;
        int length = Wire.readInt(buf, pos + 1);
        if (length < 4 || length > maxMessageBytes) {
            throw new ProtocolViolation("invalid message length " + length + " for message type '" + (char) buf[pos] + "'");
        }
        if (available < length + 1) return false;
        type = buf[pos];
        bodyStart = pos + 5;
        bodyLength = length - 4;
        pos += length + 1;
        return true;
    }

    /** Reads once from the stream (blocking until something arrives); the bytes read, -1 at its end. */
    public int fill() throws IOException {
        makeRoomForMore();
        int n = in.read(buf, limit, buf.length - limit);
        if (n > 0) limit += n;
        return n;
    }

    /** Reads what a non-blocking channel has now; the bytes read (0: nothing yet), -1 at its end. */
    public int fill(ReadableByteChannel channel) throws IOException {
        makeRoomForMore();
        if (view == null || view.array() != buf) view = ByteBuffer.wrap(buf);
        view.limit(buf.length).position(limit);
        int n = channel.read(view);
        if (n > 0) limit += n;
        return n;
    }

    /** Bytes received and not yet taken as messages: what a client has sent ahead. */
    public int unreadBytes() {
        return limit - pos;
    }

    // Grow as the body arrives, never more than double what is held: a header alone must not make
    // the reader reserve the whole length it claims.
    private void makeRoomForMore() {
        int available = limit - pos;
        if (available >= 5) {
            int length = Wire.readInt(buf, pos + 1);
            makeRoom(available < buf.length ? Math.min(length + 1, buf.length) : (int) Math.min(length + 1L, 2L * buf.length));
        } else {
            makeRoom(5);
        }
    }

    /** Raises the length cap once a client has logged in (login messages are kept small). */
    public void setMaxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** True when another whole message is already buffered, so the caller need not flush yet. */
    public boolean hasBufferedMessage() {
        int available = limit - pos;
        return available >= 5 && available >= Wire.readInt(buf, pos + 1) + 1;
    }

    public byte type() {
        return type;
    }

    public byte[] array() {
        return buf;
    }

    public int bodyStart() {
        return bodyStart;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** Start of the whole current message (its type byte). */
    public int messageStart() {
        return bodyStart - 5;
    }

    public int messageLength() {
        return bodyLength + 5;
    }

    private void makeRoom(int needed) {
        if (pos > 0) {
            int remaining = limit - pos;
            if (needed <= initialCapacity && buf.length > initialCapacity && remaining <= initialCapacity) {
                byte[] small = new byte[initialCapacity];
                System.arraycopy(buf, pos, small, 0, remaining);
                buf = small;
            } else {
                System.arraycopy(buf, pos, buf, 0, remaining);
            }
            limit = remaining;
            bodyStart -= pos;
            pos = 0;
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, Math.min(buf.length * 2, maxMessageBytes + 1)));
        }
    }
}

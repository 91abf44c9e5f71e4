package io.poolkeeper.sidecar.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An output buffer of protocol messages: appended to, then written to a socket in one call so a
 * batch of messages costs one system call. Reused for the life of a connection.
 */
public final class PgBuffer {
    private static final int INITIAL = 512;
    private byte[] bytes;
    private int size;
    /** Bytes already written by a non-blocking write that could not take them all. */
    private int sent;
    private ByteBuffer view;
    private int messageStart = -1;

    public PgBuffer() {
        this(INITIAL);
    }

    public PgBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public byte[] array() {
        return bytes;
    }

    /** Starts a message of {@code type}; {@link #endMessage()} fills in its length. */
    public PgBuffer beginMessage(byte type) {
        ensure(5);
        bytes[size++] = type;
        messageStart = size;
        size += 4;
        return this;
    }

    public PgBuffer endMessage() {
        writeIntAt(messageStart, size - messageStart);
        messageStart = -1;
        return this;
    }

    public PgBuffer putByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    public PgBuffer putShort(int v) {
        ensure(2);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
        return this;
    }

    public PgBuffer putInt(int v) {
        ensure(4);
        writeIntAt(size, v);
        size += 4;
        return this;
    }

    public PgBuffer putBytes(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, bytes, size, len);
        size += len;
        return this;
    }

    public PgBuffer putBytes(byte[] src) {
        return putBytes(src, 0, src.length);
    }

    public PgBuffer putCString(String s) {
        return putBytes(s.getBytes(StandardCharsets.UTF_8)).putByte(0);
    }

    public void writeTo(OutputStream out) throws IOException {
        if (size > sent) {
            out.write(bytes, sent, size - sent);
            out.flush();
        }
        clear();
    }

    /**
     * Writes as much as a non-blocking channel takes now; true when everything went. What is left
     * is written first by the next call, and more may be appended meanwhile.
     */
    public boolean writeTo(WritableByteChannel channel) throws IOException {
        if (size > sent) {
            if (view == null || view.array() != bytes) view = ByteBuffer.wrap(bytes);
            view.limit(size).position(sent);
            sent += channel.write(view);
            if (sent < size) return false;
        }
        clear();
        return true;
    }

    public void clear() {
        size = 0;
        sent = 0;
        messageStart = -1;
    }

    /** Gives back memory a large message made us take, so an idle connection stays small. */
    public void shrink(int keep) {
        if (size == 0 && bytes.length > keep) {
            bytes = new byte[keep];
            view = null;
        }
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void writeIntAt(int at, int v) {
        bytes[at] = (byte) (v >>> 24);
        bytes[at + 1] = (byte) (v >>> 16);
        bytes[at + 2] = (byte) (v >>> 8);
        bytes[at + 3] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}

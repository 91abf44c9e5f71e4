package io.poolkeeper.localpg;

/** A position in the write-ahead log, as PostgreSQL prints it: {@code 16/B374D848}. */
record WalPosition(long value) implements Comparable<WalPosition> {

    // initdb's defaults, which every local server is created with.
    private static final long PAGE_SIZE = 8192;
    private static final long SEGMENT_SIZE = 16L * 1024 * 1024;
    private static final long PAGE_HEADER = 24;
    private static final long SEGMENT_HEADER = 40;

    static WalPosition parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Not a WAL position: " + text);
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new WalPosition(high << 32 | low);
    }

    /**
     * The insert position sits just past a page header when the last record ended a page, while a
     * replica's replay position stops at the end of that record, the page boundary. Stepping back
     * over the header makes "replayed at least this far" reachable without waiting for more WAL.
     */
    WalPosition withoutPageHeader() {
        if (value % SEGMENT_SIZE == SEGMENT_HEADER) {
            return new WalPosition(value - SEGMENT_HEADER);
        }
        if (value % PAGE_SIZE == PAGE_HEADER) {
            return new WalPosition(value - PAGE_HEADER);
        }
        return this;
    }

    @Override
    public int compareTo(WalPosition other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}

package io.poolkeeper.sidecar.auth;

/**
 * Secrets PostgreSQL 15 itself produced ({@code CREATE ROLE ... PASSWORD}, then {@code SELECT
 * rolpassword FROM pg_authid}), so the tests check against the real format, not our reading of it.
 */
final class PostgresSecrets {

    static final String ALICE_PASSWORD = "correct horse battery staple";
    static final String ALICE_SCRAM = "SCRAM-SHA-256$4096:VLB5o8JyR92zEea1bdqgGA==$"
            + "OVwjqIqsAf2vhWA51Enn5BxOv1BzXn6Gpna9/RZe6kg=:vjgK6wFrlwdQRX12QmrC2raPvX0l5KFd3ZrFTmT0i2Q=";

    /** ROMAN NUMERAL NINE and a NO-BREAK SPACE, which SASLprep turns into "IX" and a space. */
    static final String CAROL_PASSWORD = "\u2168\u00A0p\u00E4ssw\u00F6rd";
    static final String CAROL_PASSWORD_AFTER_SASLPREP = "IX p\u00E4ssw\u00F6rd";
    static final String CAROL_SCRAM = "SCRAM-SHA-256$4096:etX2qSN38x0VmKtAc+B5xw==$"
            + "yJFeIU/vbLqEZffsTFrKcLdrqQohl4IWW4LG7pVX8mc=:l9ZU1rgft34Zjcdp3wjWdfyh9OF/w1yur6f1ewXRf88=";

    static final String BOB_PASSWORD = "hunter2";
    static final String BOB_MD5 = "md5a2cc14bcc08bcb211f578153967abd6d";

    private PostgresSecrets() {
    }
}

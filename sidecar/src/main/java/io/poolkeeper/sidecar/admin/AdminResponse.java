package io.poolkeeper.sidecar.admin;

import java.nio.charset.StandardCharsets;

/** What one admin page answers; the body is complete so the length can be sent up front. */
record AdminResponse(int status, String contentType, byte[] body) {
    static final String TEXT = "text/plain; charset=utf-8";

    static AdminResponse text(int status, String body) {
        return new AdminResponse(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }
}

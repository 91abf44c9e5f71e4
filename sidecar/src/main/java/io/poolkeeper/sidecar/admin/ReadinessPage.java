package io.poolkeeper.sidecar.admin;

/** {@code GET /readyz}: 200 when ready, else 503 with the reason on one line for kubectl describe. */
final class ReadinessPage implements AdminPage {
    private final Readiness readiness;

    ReadinessPage(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public AdminResponse get() {
        return readiness.notReadyReason()
                .map(reason -> AdminResponse.text(503, reason.replaceAll("\\s*\\R\\s*", " ").strip()))
                .orElseGet(() -> AdminResponse.text(200, "ok"));
    }
}

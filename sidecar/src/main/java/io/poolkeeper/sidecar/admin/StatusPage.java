package io.poolkeeper.sidecar.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code GET /status}: whatever the supplier returns, as indented JSON for people using curl.
 * Times are ISO-8601 text, since status snapshots carry instants and lags.
 */
final class StatusPage implements AdminPage {
    private static final String JSON = "application/json";

    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private final Supplier<?> status;

    StatusPage(Supplier<?> status) {
        this.status = status;
    }

    @Override
    public AdminResponse get() throws IOException {
        return new AdminResponse(200, JSON, mapper.writeValueAsBytes(status.get()));
    }
}

package io.poolkeeper.sidecar.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches on the exact path, because {@code HttpServer} contexts match by prefix and
 * {@code /metricsfoo} must be a 404. A page that throws becomes a 500 with the reason, not the
 * dropped connection {@code HttpServer} would otherwise leave the prober with.
 */
final class AdminRouter implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRouter.class);

    private final Map<String, AdminPage> pages;
    private final String known;

    AdminRouter(Map<String, AdminPage> pages) {
        this.pages = Map.copyOf(pages);
        this.known = String.join(", ", new TreeMap<>(pages).keySet());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, respond(exchange));
        }
    }

    private AdminResponse respond(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        AdminPage page = pages.get(path);
        if (page == null) {
            return AdminResponse.text(404, "no page at " + path + "; the admin pages are " + known);
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            return AdminResponse.text(405, path + " answers GET only, not " + exchange.getRequestMethod());
        }
        try {
            return page.get();
        } catch (IOException | RuntimeException e) {
            LOG.warn("admin page {} failed", path, e);
            return AdminResponse.text(500, path + " failed: " + e);
        }
    }

    private static void send(HttpExchange exchange, AdminResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        boolean noBody = response.body().length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
        if (!noBody) exchange.getResponseBody().write(response.body());
    }
}

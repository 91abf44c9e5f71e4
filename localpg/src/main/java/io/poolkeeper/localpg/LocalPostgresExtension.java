package io.poolkeeper.localpg;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one {@link LocalPostgres} (primary and one replica, {@link LocalPostgres.Options#defaults()})
 * shared by every test of the run and closed when the run ends. Tests sharing it must leave its
 * servers running and in their roles; a test that kills, stops or promotes servers starts its own
 * cluster with {@link LocalPostgres#start(LocalPostgres.Options)} in try-with-resources.
 *
 * <pre>{@code
 * @ExtendWith(LocalPostgresExtension.class)
 * class SomeIT {
 *     @Test
 *     void reads(LocalPostgres pg) { ... pg.primary().jdbcUrl() ... }
 * }
 * }</pre>
 */
public final class LocalPostgresExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalPostgresExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store lives for the whole run and closes AutoCloseable values when the run ends.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalPostgres.class, key -> LocalPostgres.start(), LocalPostgres.class);
    }
}

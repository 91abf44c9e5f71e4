package io.poolkeeper.sidecar.cli;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfig.CircuitBreaker;
import io.poolkeeper.api.config.SidecarConfig.ClientAuth;
import io.poolkeeper.api.config.SidecarConfig.Limits;
import io.poolkeeper.api.config.SidecarConfig.Monitoring;
import io.poolkeeper.api.config.SidecarConfig.Pool;
import io.poolkeeper.api.config.SidecarConfig.Probe;
import io.poolkeeper.api.config.SidecarConfig.Routing;
import io.poolkeeper.api.config.SidecarConfig.ServerLogin;
import io.poolkeeper.api.config.SidecarConfig.Timeouts;
import io.poolkeeper.api.config.SidecarConfig.Tls;
import java.util.Objects;
import java.util.Optional;

/**
 * The config the sidecar runs with: the file's (or the defaults), with each given flag over it.
 *
 * <p>Two fields default to another field: {@code serverDatabase} to {@code database}, and
 * {@code pool.minIdle} to a quarter of {@code pool.maxSize}. The record has already filled them
 * in, so "the file left it to follow" is read as "it still equals what it would follow"; such a
 * value follows a flag that changes the other field, as it would have had the flag been in the file.
 *
 * <p>{@code --replica} replaces the file's whole {@code replicas} list rather than adding to it, so
 * that the flags alone say which servers are used.
 */
final class SidecarSettings {
    private SidecarSettings() {}

    static SidecarConfig resolve(Optional<SidecarConfig> file, SidecarFlags flags) {
        SidecarConfig base = file.orElseGet(
                () -> new SidecarConfig(null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null));
        return new SidecarConfig(
                flags.listen != null ? flags.listen.toString() : base.listen(),
                flags.admin != null ? flags.admin.toString() : base.admin(),
                or(flags.database, base.database()),
                serverDatabase(base, flags),
                or(flags.primary, base.primary()),
                new ServerLogin(
                        or(flags.serverUser, base.server().user()),
                        or(flags.serverPasswordFile, base.server().passwordFile()),
                        base.server().tls()),
                new ClientAuth(or(flags.auth, base.auth().method()), or(flags.usersFile, base.auth().usersFile())),
                new Tls(or(flags.tlsCert, base.tls().certFile()), or(flags.tlsKey, base.tls().keyFile())),
                pool(base.pool(), flags),
                new Timeouts(or(flags.queryTimeout, base.timeouts().query()), base.timeouts().login()),
                new Limits(base.limits().maxClientConnections(), base.limits().maxMessageBytes(),
                        or(flags.eventLoops, base.limits().eventLoops())),
                or(flags.replicas, base.replicas()),
                flags.listenReadOnly != null ? flags.listenReadOnly.toString() : base.listenReadOnly(),
                routing(base.routing(), flags),
                new Probe(or(flags.probeInterval, base.probe().interval()), or(flags.probeTimeout, base.probe().timeout())),
                new CircuitBreaker(
                        or(flags.breakerFailures, base.circuitBreaker().failureThreshold()),
                        or(flags.breakerReset, base.circuitBreaker().resetTimeout())),
                new Monitoring(or(flags.slowQuery, base.monitoring().slowQuery())),
                or(flags.shutdownGrace, base.shutdownGrace()));
    }

    private static Routing routing(Routing base, SidecarFlags flags) {
        return new Routing(
                or(flags.readStrategy, base.readStrategy()),
                or(flags.splitReads, base.splitReads()),
                or(flags.maxReplicaLag, base.maxReplicaLag()),
                or(flags.readYourWrites, base.readYourWrites()),
                or(flags.fallbackToPrimary, base.fallbackToPrimary()));
    }

    private static String serverDatabase(SidecarConfig base, SidecarFlags flags) {
        if (flags.serverDatabase != null) return flags.serverDatabase;
        return Objects.equals(base.serverDatabase(), base.database()) ? null : base.serverDatabase();
    }

    private static Pool pool(Pool base, SidecarFlags flags) {
        Integer minIdle = flags.minIdle != null ? flags.minIdle
                : base.minIdle().equals(defaultMinIdle(base.maxSize())) ? null
                : base.minIdle();
        return new Pool(
                or(flags.poolSize, base.maxSize()),
                minIdle,
                or(flags.idleTimeout, base.idleTimeout()),
                or(flags.maxLifetime, base.maxLifetime()),
                or(flags.acquireTimeout, base.acquireTimeout()),
                base.connectTimeout(),
                or(flags.maxUses, base.maxUsesPerConnection()));
    }

    /** The record's own rule, asked rather than copied so the two cannot drift. */
    private static Integer defaultMinIdle(Integer maxSize) {
        return new Pool(maxSize, null, null, null, null, null, null).minIdle();
    }

    private static <T> T or(T flag, T file) {
        return flag != null ? flag : file;
    }
}

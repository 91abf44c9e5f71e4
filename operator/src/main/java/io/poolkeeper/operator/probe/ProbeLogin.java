package io.poolkeeper.operator.probe;

/** How the operator logs in to a pool's servers: the pool's own server credentials and database. */
public record ProbeLogin(String database, String user, String password) {
    @Override
    public String toString() {
        return "ProbeLogin[" + user + "@" + database + "]";
    }
}

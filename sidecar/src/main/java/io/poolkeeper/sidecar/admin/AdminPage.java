package io.poolkeeper.sidecar.admin;

import java.io.IOException;

/** One GET-only admin path; method checks and error handling are {@link AdminRouter}'s job. */
@FunctionalInterface
interface AdminPage {
    AdminResponse get() throws IOException;
}

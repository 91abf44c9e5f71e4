package io.poolkeeper.localpg;

/** How a finished subprocess ended and everything it printed. */
public record ProcessResult(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }
}

package io.poolkeeper.operator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** An integration test with a fresh in-process Kubernetes API and the real operator per test method. */
abstract class OperatorIT {
    OperatorHarness k8s;

    @BeforeEach
    void startOperator() {
        k8s = OperatorHarness.start();
    }

    @AfterEach
    void stopOperator() {
        k8s.close();
    }
}

package io.poolkeeper.api.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SizingTest {

    @Test
    void whenTheSeedsExampleThenEightyPercentSplitOverThePods() {
        // max_connections 100, 20 % headroom, 4 pods: 80 / 4
        assertThat(Sizing.perPodMax(100, 20, 4)).isEqualTo(20);
    }

    @Test
    void whenTheShareIsFractionalThenItRoundsDown() {
        // 97 × 0.8 = 77.6 → 77 usable; 77 / 3 = 25.67 → 25; rounding up would give 78 > 77.6
        assertThat(Sizing.perPodMax(97, 20, 3)).isEqualTo(25);
        assertThat(Sizing.usable(97, 20)).isEqualTo(77);
    }

    @Test
    void whenMorePodsThanConnectionsThenNothingPerPod() {
        assertThat(Sizing.perPodMax(10, 20, 9)).isZero();
    }

    @Test
    void whenHugeLimitsThenNoOverflow() {
        assertThat(Sizing.perPodMax(Integer.MAX_VALUE, 0, 1)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void whenMinIdleThenAQuarterRoundedUp() {
        assertThat(Sizing.minIdle(20, 25)).isEqualTo(5);
        assertThat(Sizing.minIdle(21, 25)).isEqualTo(6);
        assertThat(Sizing.minIdle(1, 25)).isEqualTo(1);
        assertThat(Sizing.minIdle(20, 0)).isZero();
        assertThat(Sizing.minIdle(20, 100)).isEqualTo(20);
    }

    @Test
    void whenNoPodsOrBadPercentThenClearErrors() {
        assertThatThrownBy(() -> Sizing.perPodMax(100, 20, 0)).hasMessageContaining("pods must be at least 1, got 0");
        assertThatThrownBy(() -> Sizing.minIdle(10, 101)).hasMessageContaining("minIdlePercent must be 0-100");
        assertThatThrownBy(() -> new PoolDemand("shop/orders", 0, 20)).hasMessageContaining("shop/orders");
    }

    @Test
    void whenTwoPoolsShareAServerThenTheirPodsDivideIt() {
        PoolDemand orders = new PoolDemand("shop/orders", 2, 20);
        PoolDemand billing = new PoolDemand("shop/billing", 3, 20);
        ServerShare share = Sizing.share("pg-0:5432", 100, orders, List.of(orders, billing));
        assertThat(share.totalPods()).isEqualTo(5);
        assertThat(share.perPod()).isEqualTo(16);
        assertThat(share.pools()).containsExactly("shop/billing", "shop/orders");
        assertThat(share.exhausted()).isFalse();
        // together within the server's 80 usable connections
        assertThat(share.perPod() * 5).isLessThanOrEqualTo(80);
    }

    @Test
    void whenPoolsHaveDifferentHeadroomThenTogetherTheyStayWithinTheLimit() {
        PoolDemand loose = new PoolDemand("a/loose", 2, 0);
        PoolDemand strict = new PoolDemand("a/strict", 2, 50);
        int total = Sizing.share("s:1", 100, loose, List.of(strict)).perPod() * 2
                + Sizing.share("s:1", 100, strict, List.of(loose)).perPod() * 2;
        assertThat(total).isLessThanOrEqualTo(100);
    }

    @Test
    void whenTheBudgetIsTooSmallThenExhaustedAndTheMessageSaysWhatToChange() {
        ServerShare share = Sizing.share("pg-0:5432", 10, new PoolDemand("shop/orders", 20, 20), List.of());
        assertThat(share.exhausted()).isTrue();
        assertThat(share.explain()).contains("pg-0:5432", "8 connections", "20 pods", "shop/orders", "lower instances");
    }
}

package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WalPositionTest {

    @Test
    void parsesBothHalvesAsHex() {
        assertThat(WalPosition.parse("16/B374D848").value()).isEqualTo(0x16_B374_D848L);
        assertThat(WalPosition.parse("0/3000000").value()).isEqualTo(0x300_0000L);
    }

    @Test
    void printsAsPostgresDoes() {
        assertThat(WalPosition.parse("16/B374D848")).hasToString("16/B374D848");
    }

    @Test
    void ordersByPositionAcrossTheHalves() {
        assertThat(WalPosition.parse("1/0")).isGreaterThan(WalPosition.parse("0/FFFFFFFF"));
        assertThat(WalPosition.parse("0/3000100")).isLessThan(WalPosition.parse("0/3000200"));
    }

    @Test
    void stepsBackOverAPageHeaderToThePageBoundary() {
        assertThat(WalPosition.parse("0/3002018").withoutPageHeader()).isEqualTo(WalPosition.parse("0/3002000"));
    }

    @Test
    void stepsBackOverASegmentHeaderToTheSegmentBoundary() {
        assertThat(WalPosition.parse("0/3000028").withoutPageHeader()).isEqualTo(WalPosition.parse("0/3000000"));
    }

    @Test
    void keepsAPositionInsideAPage() {
        WalPosition inside = WalPosition.parse("0/3002100");
        assertThat(inside.withoutPageHeader()).isEqualTo(inside);
    }

    @Test
    void rejectsTextWithoutSlash() {
        assertThatThrownBy(() -> WalPosition.parse("3002100")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.kiln.monitor;

import dev.kiln.testing.Tolerances;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossSharesTest {

    @Example
    void seed003TeacherContributionIsTwoPointFourPercentAndBelowItsBand() {
        List<LossShares.Share> shares = LossShares.of(List.of(
                new LossShares.Term("answer", 0.3, 1.0),
                new LossShares.Term("kl", 0.1, 15 * 0.2),
                new LossShares.Term("teacher", 0.05, 0.3, LossShares.TEACHER_BAND)));
        assertEquals(0.615, shares.stream().mapToDouble(LossShares.Share::weighted).sum(), 1e-12);
        LossShares.Share teacher = shares.get(2);
        assertEquals(2.4, Math.round(teacher.sharePct() * 10) / 10.0);       // quoted to one decimal: 2.4 %
        assertEquals(LossShares.Health.BELOW_BAND, teacher.health());
        assertEquals(LossShares.Health.NO_BAND, shares.get(0).health());
    }

    @Example
    void seed003HealthyTeacherSitsInTheBand() {
        // Epoch 25: teacher loss 0.12 at weight 0.3 is 5.8 % of a total of about 0.62.
        List<LossShares.Share> shares = LossShares.of(List.of(
                new LossShares.Term("rest", 0.62 - 0.036, 1.0),
                new LossShares.Term("teacher", 0.12, 0.3, LossShares.TEACHER_BAND)));
        assertEquals(5.8, Math.round(shares.get(1).sharePct() * 10) / 10.0);
        assertEquals(LossShares.Health.IN_BAND, shares.get(1).health());
    }

    @Example
    void zeroTotalIsUndefinedAndNegativeTermsAreRefused() {
        assertEquals(LossShares.Health.UNDEFINED,
                LossShares.of(List.of(new LossShares.Term("kl", 0, 1.0))).get(0).health());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LossShares.Term("nll", -1, 1));
        assertTrue(e.getMessage().contains("'nll'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LossShares.Band(10, 3));
    }

    @Property(tries = 200)
    @Label("shares are in [0, 100] and sum to 100")
    void sharesSumToOneHundred(@ForAll("termLists") List<LossShares.Term> terms) {
        List<LossShares.Share> shares = LossShares.of(terms);
        double sum = 0;
        for (LossShares.Share s : shares) {
            assertTrue(s.sharePct() >= 0 && s.sharePct() <= 100, s.toString());
            sum += s.sharePct();
        }
        assertEquals(100, sum, Tolerances.F32 * 100);
    }

    @Provide
    Arbitrary<List<LossShares.Term>> termLists() {
        Arbitrary<LossShares.Term> term = Combinators.combine(Arbitraries.doubles().between(0.001, 100).ofScale(3),
                        Arbitraries.doubles().between(0.001, 20).ofScale(3))
                .as((v, w) -> new LossShares.Term("t", v, w));
        return term.list().ofMinSize(1).ofMaxSize(6);
    }
}

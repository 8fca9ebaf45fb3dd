package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputComparisonTest {

    private static Map<String, Object> tuple(Object... elements) {
        return Map.of(OutputComparison.TUPLE_KEY, Arrays.asList(elements));
    }

    @Test
    void floatsWithinOneBillionthAbsoluteMatch() {
        assertThat(OutputComparison.matches(0.0, 1e-9)).isTrue();
        assertThat(OutputComparison.matches(0.0, 2e-9)).isFalse();
    }

    @Test
    void largeFloatsMatchWithinOneBillionthRelative() {
        assertThat(OutputComparison.matches(1e6, 1e6 + 1e-4)).isTrue();
        assertThat(OutputComparison.matches(1e6, 1e6 + 1e-2)).isFalse();
    }

    @Test
    void nanEqualsNanAndNothingElse() {
        assertThat(OutputComparison.matches(Double.NaN, Double.NaN)).isTrue();
        assertThat(OutputComparison.matches(Double.NaN, 0.0)).isFalse();
        assertThat(OutputComparison.matches(1.0, Double.NaN)).isFalse();
    }

    @Test
    void infinitiesEqualOnlyTheSameInfinity() {
        assertThat(OutputComparison.matches(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isTrue();
        assertThat(OutputComparison.matches(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).isFalse();
        assertThat(OutputComparison.matches(Double.POSITIVE_INFINITY, 1e308)).isFalse();
    }

    @Test
    void intsAndFloatsCompareAsNumbers() {
        assertThat(OutputComparison.matches(2, 2.0)).isTrue();
        assertThat(OutputComparison.matches(2.5, 2)).isFalse();
        assertThat(OutputComparison.matches(3L, 3.0000000001)).isTrue();
        assertThat(OutputComparison.matches(BigInteger.TEN.pow(30), 1e30)).isTrue();
    }

    @Test
    void intsCompareExactlyEvenBeyondDoublePrecision() {
        BigInteger big = BigInteger.TWO.pow(70);
        assertThat(OutputComparison.matches(big, big.add(BigInteger.ONE))).isFalse();
        assertThat(OutputComparison.matches(big, new BigInteger(big.toString()))).isTrue();
        assertThat(OutputComparison.matches(7, 7L)).isTrue();
    }

    @Test
    void booleansCountAsIntsLikePython() {
        assertThat(OutputComparison.matches(true, 1)).isTrue();
        assertThat(OutputComparison.matches(false, 0.0)).isTrue();
        assertThat(OutputComparison.matches(true, false)).isFalse();
        assertThat(OutputComparison.matches(true, "True")).isFalse();
    }

    @Test
    void aListNeverEqualsATuple() {
        assertThat(OutputComparison.matches(List.of(1, 2), tuple(1, 2))).isFalse();
        assertThat(OutputComparison.matches(tuple(1, 2), List.of(1, 2))).isFalse();
        assertThat(OutputComparison.matches(tuple(1, 2.0), tuple(1.0, 2))).isTrue();
    }

    @Test
    void listsCompareInOrderAndByLength() {
        assertThat(OutputComparison.matches(List.of(1, 2, 3), List.of(1, 2, 3))).isTrue();
        assertThat(OutputComparison.matches(List.of(1, 2, 3), List.of(3, 2, 1))).isFalse();
        assertThat(OutputComparison.matches(List.of(1, 2), List.of(1, 2, 3))).isFalse();
        assertThat(OutputComparison.matches(List.of(List.of(0.1 + 0.2)), List.of(List.of(0.3)))).isTrue();
    }

    @Test
    void dictsNeedTheSameKeysAndEqualValues() {
        Map<String, Object> expected = new LinkedHashMap<>(Map.of("a", 1, "b", List.of(2.0)));
        assertThat(OutputComparison.matches(expected, Map.of("b", List.of(2), "a", 1.0))).isTrue();
        assertThat(OutputComparison.matches(expected, Map.of("a", 1))).isFalse();
        assertThat(OutputComparison.matches(expected, Map.of("a", 1, "b", List.of(2), "c", 3))).isFalse();
        assertThat(OutputComparison.matches(expected, Map.of("a", 1, "b", List.of(3)))).isFalse();
    }

    @Test
    void nullEqualsOnlyNull() {
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        assertThat(OutputComparison.matches(null, null)).isTrue();
        assertThat(OutputComparison.matches(null, 0)).isFalse();
        assertThat(OutputComparison.matches("", null)).isFalse();
        assertThat(OutputComparison.matches(withNull, withNull)).isTrue();
    }

    @Test
    void stringsCompareExactlyWithCaseAndWhitespace() {
        assertThat(OutputComparison.matches("abc", "abc")).isTrue();
        assertThat(OutputComparison.matches("abc", "ABC")).isFalse();
        assertThat(OutputComparison.matches("a b", "ab")).isFalse();
        assertThat(OutputComparison.matches("1", 1)).isFalse();
    }
}

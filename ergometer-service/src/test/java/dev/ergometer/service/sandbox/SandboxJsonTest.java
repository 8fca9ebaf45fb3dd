package dev.ergometer.service.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request's JSON: doubles stay floats, non-finite numbers are tagged, strings are escaped. */
class SandboxJsonTest {

    @Test
    void doublesKeepTheirFractionAndNonFiniteOnesAreTagged() {
        assertThat(SandboxJson.write(Arrays.asList(2.0, 1, Double.NaN, Double.NEGATIVE_INFINITY, null,
                new BigInteger("123456789012345678901234567890"))))
                .isEqualTo("[2.0,1,{\"__float__\":\"NaN\"},{\"__float__\":\"-Infinity\"},null,"
                        + "123456789012345678901234567890]");
    }

    @Test
    void mapsListsArraysAndStringsNest() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("s", "a\"b\\c\n\u0001");
        input.put("xs", new int[] {1, 2});
        input.put("t", Map.of("__tuple__", List.of(true)));

        assertThat(SandboxJson.write(input))
                .isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"xs\":[1,2],\"t\":{\"__tuple__\":[true]}}");
    }

    @Test
    void anythingButJsonValuesIsRefusedWithTheReason() {
        assertThatThrownBy(() -> SandboxJson.write(List.of(new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test case inputs are JSON values");
    }
}

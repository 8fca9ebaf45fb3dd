package dev.ergometer.meter.handler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonFloatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1700000001.5 | 1700000001.5",
        "1700000001.123456 | 1700000001.123456",
        "2.0 | 2.0",
        "3000 | 3000.0",
        "0.30000000000000004 | 0.30000000000000004",
        "1e15 | 1000000000000000.0",
        "1e16 | 1e+16",
        "1.5e16 | 1.5e+16",
        "123456789012345678 | 1.2345678901234568e+17",
        "0.0001 | 0.0001",
        "0.00001 | 1e-05",
        "1.2345e-7 | 1.2345e-07",
        "5e-324 | 5e-324",
        "1e22 | 1e+22",
        "0 | 0.0",
        "-0.0 | -0.0",
        "-12.25 | -12.25",
        "NaN | nan",
        "-Infinity | -inf",
    })
    void formatsAsPythonsRepr(double value, String python) {
        assertThat(PythonFloat.repr(value)).isEqualTo(python);
    }
}

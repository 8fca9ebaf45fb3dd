package dev.ergometer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

class SinkExceptionTest {

    @Test
    void describeNamesTheCauseAndItsMessage() {
        assertThat(SinkException.describe(new HttpTimeoutException("request timed out")))
                .isEqualTo("HttpTimeoutException (request timed out)");
    }

    @Test
    void describeOfACauseWithoutMessageIsItsClassAlone() {
        assertThat(SinkException.describe(new ConnectException())).isEqualTo("ConnectException");
    }
}

package dev.ergometer.service;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The service's JSON reader and writer: Python's non-standard {@code NaN} and {@code Infinity} are read (so that
 * JouleTrace's "NaN equals NaN" can be asked for), parse errors never quote the body (it holds submitted code), and
 * trailing garbage is refused.
 */
final class ServiceJson {

    private ServiceJson() {
    }

    static ObjectMapper create() {
        return JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}

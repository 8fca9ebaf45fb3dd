package dev.ergometer.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The API token clients send as {@code Authorization: Bearer TOKEN}, compared in constant time. Its
 * {@link #toString()} never shows it, so that no log line or exception message can.
 */
public final class BearerToken {

    /** The shortest token accepted: a guessable token protects nothing. */
    public static final int MINIMUM_LENGTH = 16;

    private final byte[] token;

    private BearerToken(byte[] token) {
        this.token = token;
    }

    /**
     * A token from its text (surrounding whitespace and a trailing newline, as a token file has, are dropped).
     *
     * @throws IllegalArgumentException when it is shorter than {@value #MINIMUM_LENGTH} characters or holds spaces
     */
    public static BearerToken of(String text) {
        Objects.requireNonNull(text, "text");
        String token = text.strip();
        if (token.length() < MINIMUM_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("API_TOKEN must be at least " + MINIMUM_LENGTH + " characters without"
                    + " spaces (for example the output of `openssl rand -hex 32`)");
        }
        return new BearerToken(token.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether an {@code Authorization} header value carries this token. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null) {
            return false;
        }
        String value = authorizationHeader.strip();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, value.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BearerToken[***]";
    }
}

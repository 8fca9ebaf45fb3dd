package dev.ergometer.sink;

/**
 * A failure of one {@link Sink#accept} attempt, saying whether trying the same batch again later can succeed
 * (a receiver that is down, overloaded or unreachable) or cannot (a batch the receiver refuses as invalid).
 */
public final class SinkException extends Exception {

    private final boolean retryable;

    private SinkException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** A failure that may pass if the same batch is sent again later. */
    public static SinkException retryable(String message, Throwable cause) {
        return new SinkException(message, true, cause);
    }

    /** A failure that sending the same batch again would repeat; the batch should be dropped. */
    public static SinkException permanent(String message, Throwable cause) {
        return new SinkException(message, false, cause);
    }

    /**
     * A cause as a sink's message names it: its class and, when it has one, its message, for example
     * {@code ConnectException (Connection refused)}.
     */
    public static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /** True when sending the same batch again later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}

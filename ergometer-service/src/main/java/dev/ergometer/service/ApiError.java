package dev.ergometer.service;

/**
 * A refusal the API answers with a status and a JSON body {@code {"error", "message", "timestamp"}} (JouleTrace's
 * APIErrorResponse).
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String error;

    ApiError(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}

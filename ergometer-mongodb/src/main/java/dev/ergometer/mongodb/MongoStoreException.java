package dev.ergometer.mongodb;

import dev.ergometer.meter.MeterException;

/**
 * The error a {@link MongoHandler} raises when MongoDB cannot be reached or refuses an operation; the message names
 * the URI, what was tried, why it failed and how to fix it.
 */
public final class MongoStoreException extends MeterException {

    MongoStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

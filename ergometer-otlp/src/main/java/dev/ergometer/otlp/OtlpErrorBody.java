package dev.ergometer.otlp;

import java.nio.charset.StandardCharsets;

/**
 * The readable part of an OTLP/HTTP error answer: the {@code message} of the protobuf {@code google.rpc.Status} that
 * the specification asks receivers to send, or else the body as text (a proxy's HTML or plain-text page).
 */
final class OtlpErrorBody {

    private static final int STATUS_MESSAGE_FIELD = 2;

    private OtlpErrorBody() {
    }

    /** The status message, or the body as one line of text, at most {@code maxChars} long; empty for no body. */
    static String describe(byte[] body, int maxChars) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = statusMessage(body);
        if (text == null) {
            text = new String(body, StandardCharsets.UTF_8);
        }
        String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() <= maxChars ? line : line.substring(0, maxChars) + "...";
    }

    /** The message field of a protobuf google.rpc.Status, or null when the body is not one (or has no message). */
    static String statusMessage(byte[] body) {
        int[] at = {0};
        String message = null;
        try {
            while (at[0] < body.length) {
                long tag = varint(body, at);
                int field = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> varint(body, at);
                    case 1 -> skip(body, at, 8);
                    case 5 -> skip(body, at, 4);
                    case 2 -> {
                        long length = varint(body, at);
                        if (length < 0 || length > body.length - at[0]) {
                            return null;
                        }
                        if (field == STATUS_MESSAGE_FIELD) {
                            message = new String(body, at[0], (int) length, StandardCharsets.UTF_8);
                        }
                        at[0] += (int) length;
                    }
                    default -> {
                        return null;
                    }
                }
                if (field == 0) {
                    return null;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
        return message == null || message.isBlank() ? null : message;
    }

    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IndexOutOfBoundsException("varint longer than 10 bytes");
    }

    private static void skip(byte[] bytes, int[] at, int count) {
        if (count > bytes.length - at[0]) {
            throw new IndexOutOfBoundsException("field runs past the end");
        }
        at[0] += count;
    }
}

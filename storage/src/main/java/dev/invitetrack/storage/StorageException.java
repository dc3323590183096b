package dev.invitetrack.storage;

/**
 * The store could not complete an operation; the caller answers 503 and the client retries. The message is
 * logged and shown in health checks, so the values a driver quotes in it are redacted ({@link Redaction}).
 */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(Redaction.of(message), cause);
    }

    public StorageException(String message) {
        super(Redaction.of(message));
    }
}

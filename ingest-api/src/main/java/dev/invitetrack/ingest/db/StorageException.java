package dev.invitetrack.ingest.db;

/** The store could not complete an operation; the caller answers 503 and the client retries. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}

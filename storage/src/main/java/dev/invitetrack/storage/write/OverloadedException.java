package dev.invitetrack.storage.write;

/** The ingest queue is full; the request is refused before anything is stored. */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
        super(message, null, false, false);
    }
}

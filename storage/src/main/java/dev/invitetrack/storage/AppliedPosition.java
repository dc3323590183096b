package dev.invitetrack.storage;

/**
 * Where a store stands in a journal: every record up to {@code applied} is in it. A store whose writes are not
 * atomic (ClickHouse) may have started writing the records after it, up to {@code inFlightThrough}, when it
 * stopped: those are written again first, as one write with exactly those bounds, so that the store can tell it
 * is the same write and keep it once.
 */
public record AppliedPosition(long applied, long inFlightThrough) {
    public static final AppliedPosition NONE = new AppliedPosition(0, 0);

    public AppliedPosition {
        if (applied < 0 || inFlightThrough < applied) {
            throw new IllegalArgumentException("applied " + applied + ", in flight through " + inFlightThrough);
        }
    }

    public static AppliedPosition through(long applied) {
        return new AppliedPosition(applied, applied);
    }

    public boolean hasWriteInFlight() {
        return inFlightThrough > applied;
    }
}

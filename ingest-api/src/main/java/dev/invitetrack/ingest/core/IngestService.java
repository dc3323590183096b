package dev.invitetrack.ingest.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.invitetrack.event.CallType;
import dev.invitetrack.event.Event;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.EventParser;
import dev.invitetrack.event.FieldError;
import dev.invitetrack.event.ParseResult;
import dev.invitetrack.event.Warning;
import dev.invitetrack.ingest.api.BatchResponse;
import dev.invitetrack.ingest.api.TrackResponse;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.write.OverloadedException;
import dev.invitetrack.storage.write.Writes;
import dev.invitetrack.web.api.ApiError;
import dev.invitetrack.web.api.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates events, hands them to the write path and waits until they are durable (journaled). Every outcome
 * other than success is an {@link ApiException} with the documented status. Thread-safe.
 */
public final class IngestService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final String DUPLICATE = "this message_id was already received; the event is counted once";
    private static final String DUPLICATE_DERIVED = "no message_id was sent and an event with the same content was"
            + " already received; it is counted once (send a message_id to tell identical events apart)";
    private static final String RETRY_AFTER_SECONDS = "1";

    private final EventParser parser;
    private final Writes writes;
    private final Duration commitTimeout;

    public IngestService(EventParser parser, Writes writes, Duration commitTimeout) {
        this.parser = requireNonNull(parser, "parser is null");
        this.writes = requireNonNull(writes, "writes is null");
        this.commitTimeout = requireNonNull(commitTimeout, "commitTimeout is null");
    }

    /** One event: stored and answered, or refused as a whole. */
    public TrackResponse track(String workspaceId, JsonNode body, Instant receivedAt) {
        return call(workspaceId, CallType.TRACK, body, receivedAt);
    }

    /** One call of the given kind (track, identify, page, ...): stored and answered, or refused as a whole. */
    public TrackResponse call(String workspaceId, CallType type, JsonNode body, Instant receivedAt) {
        ParseResult result = parser.parseCall(body, type, receivedAt, null, null);
        if (result instanceof ParseResult.Rejected rejected) {
            throw new ApiException(400, toApiErrors(null, "", rejected.errors()), Map.of());
        }
        ParseResult.Accepted accepted = (ParseResult.Accepted) result;
        Event event = accepted.event();
        boolean[] inserted = store(List.of(StoredEvent.from(workspaceId, event)));
        List<ApiError> warnings = new ArrayList<>(toApiWarnings(null, "", accepted.warnings()));
        if (!inserted[0]) {
            warnings.add(ApiError.of("message_id", duplicateMessage(event)));
        }
        return new TrackResponse(true, event.messageId(), event.name(), event.envelope().timestamp(),
                writes.knowsRepeats() ? !inserted[0] : null, warnings);
    }

    /**
     * A batch: its valid events are stored even when others are rejected, which are listed by index. Each
     * item may be any kind of call ({@code "type"}, default track); the batch's {@code context} and
     * {@code sentAt} apply to items that lack their own.
     */
    public BatchResponse batch(String workspaceId, JsonNode body, Instant receivedAt) {
        if (!body.isObject()) {
            throw ApiException.badRequest("$", "must be a JSON object with a \"batch\" array");
        }
        JsonNode batch = body.get("batch");
        if (batch == null || batch.isNull()) {
            throw ApiException.badRequest("batch", "is required: an array of events");
        }
        if (!batch.isArray()) {
            throw ApiException.badRequest("batch", "must be an array of events");
        }
        if (batch.isEmpty()) {
            throw ApiException.badRequest("batch", "must contain at least one event");
        }
        if (batch.size() > EventLimits.MAX_BATCH_EVENTS) {
            throw new ApiException(413, "batch", "has " + batch.size() + " events; the limit is "
                    + EventLimits.MAX_BATCH_EVENTS + " per request");
        }
        JsonNode context = body.get("context");
        if (context != null && !context.isNull() && !context.isObject()) {
            throw ApiException.badRequest("context", "must be an object");
        }
        JsonNode sharedContext = context == null || context.isNull() ? null : context;
        JsonNode batchSentAt = body.has("sentAt") ? body.get("sentAt") : body.get("sent_at");

        List<StoredEvent> rows = new ArrayList<>(batch.size());
        List<Event> events = new ArrayList<>(batch.size());
        List<Integer> rowIndexes = new ArrayList<>(batch.size());
        List<BatchResponse.RejectedEvent> rejected = new ArrayList<>();
        List<ApiError> errors = new ArrayList<>();
        List<ApiError> warnings = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ParseResult result = parser.parseCall(batch.get(i), null, receivedAt, sharedContext, batchSentAt);
            String prefix = "batch[" + i + "]";
            if (result instanceof ParseResult.Rejected r) {
                rejected.add(new BatchResponse.RejectedEvent(i, toApiErrors(null, "", r.errors())));
                errors.addAll(toApiErrors(i, prefix, r.errors()));
            } else if (result instanceof ParseResult.Accepted a) {
                rows.add(StoredEvent.from(workspaceId, a.event()));
                events.add(a.event());
                rowIndexes.add(i);
                warnings.addAll(toApiWarnings(i, prefix, a.warnings()));
            }
        }
        boolean[] inserted = store(rows);
        int duplicates = 0;
        for (int r = 0; r < inserted.length; r++) {
            if (!inserted[r]) {
                duplicates++;
                int index = rowIndexes.get(r);
                warnings.add(new ApiError(index, "batch[" + index + "].message_id", duplicateMessage(events.get(r))));
            }
        }
        return new BatchResponse(rejected.isEmpty(), batch.size(), rows.size(),
                writes.knowsRepeats() ? duplicates : null, rejected, errors, warnings);
    }

    private boolean[] store(List<StoredEvent> rows) {
        CompletableFuture<boolean[]> done;
        try {
            done = writes.submit(rows);
        } catch (OverloadedException e) {
            throw new ApiException(429, List.of(ApiError.of("$", "overloaded: " + e.getMessage()
                    + "; retry after the Retry-After seconds")), Map.of("Retry-After", RETRY_AFTER_SECONDS));
        } catch (StorageException e) {
            throw unavailable(e.getMessage());
        } catch (IllegalStateException e) {
            throw unavailable("the server is shutting down; retry on another node or shortly");
        }
        try {
            return done.get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The rows may still commit; a retry with the same message ids is counted once.
            throw unavailable("storage did not confirm the write within " + commitTimeout.toSeconds()
                    + " s; retry with the same message_id");
        } catch (ExecutionException e) {
            LOG.warn("write failed: {}", e.getCause().getMessage());
            throw unavailable(e.getCause() instanceof StorageException storage && storage.getMessage() != null
                    ? storage.getMessage() : "storage is unavailable; nothing was stored, retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for storage; retry with the same message_id");
        }
    }

    private static ApiException unavailable(String message) {
        return new ApiException(503, List.of(ApiError.of("$", message)), Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    private static String duplicateMessage(Event event) {
        return event.envelope().messageIdDerived() ? DUPLICATE_DERIVED : DUPLICATE;
    }

    private static List<ApiError> toApiErrors(Integer index, String prefix, List<FieldError> errors) {
        List<ApiError> out = new ArrayList<>(errors.size());
        for (FieldError error : errors) {
            out.add(new ApiError(index, path(prefix, error.field()), error.message()));
        }
        return out;
    }

    private static List<ApiError> toApiWarnings(Integer index, String prefix, List<Warning> warnings) {
        List<ApiError> out = new ArrayList<>(warnings.size());
        for (Warning warning : warnings) {
            out.add(new ApiError(index, path(prefix, warning.field()), warning.message()));
        }
        return out;
    }

    private static String path(String prefix, String field) {
        if (prefix.isEmpty()) {
            return field;
        }
        return field.equals("$") ? prefix : prefix + "." + field;
    }
}

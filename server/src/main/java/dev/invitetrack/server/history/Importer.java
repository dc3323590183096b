package dev.invitetrack.server.history;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.invitetrack.event.EventLimits;
import dev.invitetrack.event.FieldError;
import dev.invitetrack.ingest.api.BatchResponse;
import dev.invitetrack.web.api.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Sends history to a running server through its {@code /v1/batch} endpoint, so that it goes through the same
 * validation, id index and journal as live events: a repeated message id is stored once, and a file imported twice
 * stores nothing the second time. Streams: the inputs are read a line at a time and at most
 * {@link #BATCHES_PER_CONNECTION} batches per connection wait in memory, whatever the inputs' size. Each line's
 * outcome is counted (stored, repeat, rejected with the server's reason and its input and line number); 429 and 503
 * are retried after their {@code Retry-After}, a server that cannot be reached a few times, or that refuses the key,
 * stops the import. One run per instance; its progress may be read from other threads while it runs.
 */
public final class Importer {
    /** Events per request unless told otherwise. */
    public static final int DEFAULT_BATCH_EVENTS = 1_000;
    /** Bytes per request at most: well under the server's {@link EventLimits#MAX_BATCH_BYTES}. */
    public static final int BATCH_BYTES = 400 * 1024;
    /** Batches per connection that may be in flight or waiting for one. */
    static final int BATCHES_PER_CONNECTION = 2;
    /** Answers 429 or 503 to one request before the import gives up. */
    static final int MAX_OVERLOADED_ANSWERS = 30;
    /** Attempts to reach the server for one request before the import gives up. */
    static final int MAX_CONNECTION_ATTEMPTS = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int MAX_REASON_CHARS = 300;
    private static final byte[] PREFIX = "{\"batch\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** How to import. */
    public record Options(URI url, String key, HistoryFormat format, int connections, int batchEvents,
            int batchBytes) {
        public Options {
            requireNonNull(url, "url is null");
            requireNonNull(key, "key is null");
            requireNonNull(format, "format is null");
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1");
            }
            if (batchEvents < 1 || batchEvents > EventLimits.MAX_BATCH_EVENTS) {
                throw new IllegalArgumentException("the batch size must be between 1 and "
                        + EventLimits.MAX_BATCH_EVENTS + " events (the server's limit per request)");
            }
            if (batchBytes < EventLimits.MAX_EVENT_BYTES + PREFIX.length + SUFFIX.length
                    || batchBytes > EventLimits.MAX_BATCH_BYTES) {
                throw new IllegalArgumentException("batchBytes must hold the largest event and stay within "
                        + EventLimits.MAX_BATCH_BYTES);
            }
        }
    }

    /** Opens an input's bytes (gzip'd or not). */
    public interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * One input.
     *
     * @param size its size in bytes as stored (compressed for gzip), or -1 when unknown (standard input)
     */
    public record Input(String name, Opener opener, long size) {
        public Input {
            requireNonNull(name, "name is null");
            requireNonNull(opener, "opener is null");
        }
    }

    /**
     * The end of an import.
     *
     * @param failure why the import stopped before its end, or null when it read every input to the end
     * @param notImported lines read whose outcome is not known: not sent, or sent without an answer
     */
    public record Result(ImportTally tally, @Nullable String failure, long notImported, Duration elapsed) {
        public Result {
            requireNonNull(tally, "tally is null");
            requireNonNull(elapsed, "elapsed is null");
        }
    }

    private final Options options;
    private final HttpClient http;
    private final URI endpoint;
    private final ImportTally tally = new ImportTally();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();

    public Importer(Options options, HttpClient http) {
        this.options = requireNonNull(options, "options is null");
        this.http = requireNonNull(http, "http is null");
        this.endpoint = URI.create(options.url().toString().replaceAll("/+$", "") + "/v1/batch");
    }

    /** The counts so far. */
    public ImportTally tally() {
        return tally;
    }

    /** The inputs' bytes read so far, as stored (compressed for gzip). */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Imports the inputs in order; returns when every answer is in or the import stopped. */
    public Result run(List<Input> inputs) throws InterruptedException {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.connections(), runnable -> {
            Thread thread = new Thread(runnable, "import-sender");
            thread.setDaemon(true);
            return thread;
        });
        Semaphore inFlight = new Semaphore(options.connections() * BATCHES_PER_CONNECTION);
        try {
            for (int i = 0; i < inputs.size() && failure.get() == null; i++) {
                read(i, inputs.get(i), pool, inFlight);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        }
        return new Result(tally, failure.get(), tally.read() - tally.done(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void read(int index, Input input, ExecutorService pool, Semaphore inFlight) throws InterruptedException {
        Batch batch = new Batch(index, input.name());
        long line = 0;
        try (LineReader lines = new LineReader(input.opener().open(), bytesRead)) {
            while (failure.get() == null && lines.next()) {
                line = lines.number();
                if (lines.blank()) {
                    continue;
                }
                tally.read.increment();
                byte[] event = event(lines, batch);
                if (event == null) {
                    continue;
                }
                if (event.length > EventLimits.MAX_EVENT_BYTES) {
                    reject(batch, line, new FieldError("$", "event is " + event.length + " bytes; the limit is "
                            + EventLimits.MAX_EVENT_BYTES + " bytes"));
                    continue;
                }
                if (!batch.fits(event.length)) {
                    send(batch, pool, inFlight);
                    batch = new Batch(index, input.name());
                }
                batch.add(event, line);
            }
        } catch (IOException e) {
            // The rest of this input cannot be read; the other inputs may still be.
            tally.read.increment();
            reject(batch, line + 1, new FieldError("$", "cannot read " + (line == 0 ? "" : "past line " + line
                    + " of ") + input.name() + ": " + e.getMessage()));
        }
        if (batch.events > 0) {
            send(batch, pool, inFlight);
        }
    }

    /** The line's event as it is sent, or null when it was rejected (and counted). */
    private byte @Nullable [] event(LineReader lines, Batch batch) {
        long line = lines.number();
        if (lines.tooLong()) {
            reject(batch, line, new FieldError("$", "the line is longer than " + LineReader.MAX_LINE_BYTES
                    + " bytes"));
            return null;
        }
        JsonNode value;
        try {
            value = JSON.readTree(lines.bytes(), 0, lines.length());
        } catch (JsonProcessingException e) {
            // Jackson's message without where the object started (it names no source, and the line is known).
            String message = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*\\)", "");
            reject(batch, line, new FieldError("$", "not JSON: " + shorten(message) + " (column "
                    + e.getLocation().getColumnNr() + ")"));
            return null;
        } catch (IOException e) {
            reject(batch, line, new FieldError("$", "not JSON: " + shorten(e.getMessage())));
            return null;
        }
        HistoryFormat.Mapped mapped = options.format().map(value);
        if (mapped instanceof HistoryFormat.Mapped.Rejected rejected) {
            reject(batch, line, rejected.error());
            return null;
        }
        try {
            return JSON.writeValueAsBytes(((HistoryFormat.Mapped.Event) mapped).event());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written, line " + line, e);
        }
    }

    private void send(Batch batch, ExecutorService pool, Semaphore inFlight) throws InterruptedException {
        inFlight.acquire();
        try {
            pool.execute(() -> {
                try {
                    post(batch);
                } catch (RuntimeException | Error e) {
                    fail("unexpected error while sending lines " + batch.lines[0] + " to "
                            + batch.lines[batch.events - 1] + " of " + batch.inputName + ": " + e);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    private void post(Batch batch) {
        HttpRequest.BodyPublisher body = batch.body();
        int overloaded = 0;
        int unreachable = 0;
        while (failure.get() == null) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(HttpRequest.newBuilder(endpoint)
                        .timeout(REQUEST_TIMEOUT)
                        .header("Authorization", "Bearer " + options.key())
                        .header("Content-Type", "application/json")
                        .POST(body)
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // Sent again as it is: the events that did reach the server come back as repeats.
                unreachable++;
                if (unreachable >= MAX_CONNECTION_ATTEMPTS) {
                    fail("cannot reach " + endpoint + " (" + unreachable + " attempts, the last: " + describe(e) + ")");
                    return;
                }
                pause(backoff(unreachable));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
                return;
            }
            int status = response.statusCode();
            JsonNode answer = json(response.body());
            if ((status == 200 || status == 400) && answer != null && answer.has("received")) {
                account(batch, answer);
                return;
            }
            if (status == 413 && batch.events > 1) {
                // Cannot happen with batches cut below the server's limits, unless a server's limits are lower.
                for (Batch half : batch.halves()) {
                    post(half);
                }
                return;
            }
            if (status == 413) {
                reject(batch, batch.lines[0], new FieldError("$", errors(answer, status)));
                return;
            }
            if (status == 429 || status == 503) {
                overloaded++;
                if (overloaded > MAX_OVERLOADED_ANSWERS) {
                    fail("the server answered " + status + " " + overloaded + " times to the same request: "
                            + errors(answer, status));
                    return;
                }
                pause(retryAfter(response).orElse(backoff(overloaded)));
                continue;
            }
            if (status == 401 || status == 403) {
                fail("the server refused the write key (" + status + "): " + errors(answer, status));
                return;
            }
            fail("the server answered " + status + " to lines " + batch.lines[0] + " to "
                    + batch.lines[batch.events - 1] + " of " + batch.inputName + ": " + errors(answer, status));
            return;
        }
    }

    private void account(Batch batch, JsonNode json) {
        BatchResponse answer;
        try {
            answer = JSON.treeToValue(json, BatchResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer of /v1/batch that cannot be read: " + json, e);
        }
        tally.stored.add(answer.accepted() - answer.duplicates());
        tally.repeats.add(answer.duplicates());
        for (BatchResponse.RejectedEvent rejected : answer.rejected()) {
            tally.reject(note(batch, batch.lines[rejected.index()], rejected.errors().stream()
                    .map(error -> error.field() + ": " + error.message()).collect(Collectors.joining("; "))));
        }
        for (ApiError warning : answer.warnings()) {
            Integer index = warning.index();
            if (index == null) {
                continue;
            }
            String prefix = "batch[" + index + "].";
            String field = warning.field().startsWith(prefix)
                    ? warning.field().substring(prefix.length()) : warning.field();
            if (!field.equals("message_id")) { // repeats: counted as such
                tally.warn(note(batch, batch.lines[index], field + ": " + warning.message()));
            }
        }
    }

    private void reject(Batch batch, long line, FieldError error) {
        tally.reject(note(batch, line, error.field() + ": " + error.message()));
    }

    private static ImportTally.Note note(Batch batch, long line, String reason) {
        return new ImportTally.Note(batch.input, batch.inputName, line, reason);
    }

    private void fail(String reason) {
        failure.compareAndSet(null, reason);
    }

    private static @Nullable JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The errors of an answer in the error shape, or its status when it has none. */
    private static String errors(@Nullable JsonNode answer, int status) {
        if (answer == null || !answer.path("errors").isArray() || answer.path("errors").isEmpty()) {
            return "status " + status;
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode error : answer.get("errors")) {
            if (!out.isEmpty()) {
                out.append("; ");
            }
            String field = error.path("field").asText("$");
            out.append(field.equals("$") ? "" : field + ": ").append(error.path("message").asText());
        }
        return shorten(out.toString());
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(value.trim()),
                        MAX_BACKOFF.toSeconds())));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: our backoff instead
            }
        });
    }

    private static Duration backoff(int attempt) {
        long millis = 250L << Math.min(attempt - 1, 10);
        return millis > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(millis);
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static String shorten(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_REASON_CHARS ? line : line.substring(0, MAX_REASON_CHARS) + "...";
    }

    /** Events of one input on their way into one request's body. */
    private final class Batch {
        final int input;
        final String inputName;
        byte[] body = new byte[16 * 1024];
        int size;
        int events;
        long[] lines = new long[64];
        int[] starts = new int[64];

        Batch(int input, String inputName) {
            this.input = input;
            this.inputName = inputName;
            System.arraycopy(PREFIX, 0, body, 0, PREFIX.length);
            size = PREFIX.length;
        }

        boolean fits(int eventBytes) {
            return events == 0 || (events < options.batchEvents()
                    && size + 1 + eventBytes + SUFFIX.length <= options.batchBytes());
        }

        void add(byte[] event, long line) {
            int needed = size + 1 + event.length + SUFFIX.length;
            if (needed > body.length) {
                body = Arrays.copyOf(body, Math.max(needed, body.length * 2));
            }
            if (events == lines.length) {
                lines = Arrays.copyOf(lines, events * 2);
                starts = Arrays.copyOf(starts, events * 2);
            }
            if (events > 0) {
                body[size++] = ',';
            }
            starts[events] = size;
            lines[events] = line;
            events++;
            System.arraycopy(event, 0, body, size, event.length);
            size += event.length;
        }

        /** The request's body: the events so far, closed (the room for the end is kept by {@link #add}). */
        HttpRequest.BodyPublisher body() {
            System.arraycopy(SUFFIX, 0, body, size, SUFFIX.length);
            return HttpRequest.BodyPublishers.ofByteArray(body, 0, size + SUFFIX.length);
        }

        List<Batch> halves() {
            int middle = events / 2;
            return List.of(slice(0, middle), slice(middle, events));
        }

        private Batch slice(int from, int to) {
            Batch part = new Batch(input, inputName);
            for (int i = from; i < to; i++) {
                int end = i + 1 < events ? starts[i + 1] - 1 : size;
                part.add(Arrays.copyOfRange(body, starts[i], end), lines[i]);
            }
            return part;
        }
    }
}

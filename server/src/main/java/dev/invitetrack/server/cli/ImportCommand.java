package dev.invitetrack.server.cli;

import dev.invitetrack.event.EventLimits;
import dev.invitetrack.server.history.HistoryFormat;
import dev.invitetrack.server.history.ImportTally;
import dev.invitetrack.server.history.Importer;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jspecify.annotations.Nullable;

/**
 * {@code invitetrack import FILE...}: sends history exported from Segment or Mixpanel (JSON lines, gzip'd or not,
 * {@code -} for standard input) to a running server through {@code /v1/batch} (see {@link Importer} and
 * {@link HistoryFormat}), with a progress bar on a terminal and a summary at the end. Exits with 1 when a line was
 * rejected or the import stopped before its end, 0 otherwise.
 */
public final class ImportCommand extends Command {
    static final String URL_VARIABLE = "INVITETRACK_URL";
    static final String KEY_VARIABLE = "INVITETRACK_WRITE_KEY";
    static final String STDIN = "-";
    private static final Duration TERMINAL_REFRESH = Duration.ofMillis(500);
    private static final Duration PLAIN_REFRESH = Duration.ofSeconds(10);

    public ImportCommand() {
        super("import", "Imports history exported from Segment or Mixpanel into a running invitetrack server");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("files").nargs("+").metavar("FILE")
                .help("JSON lines of Segment messages or Mixpanel's raw export, gzip'd or not; - for standard input");
        subparser.addArgument("--url").setDefault(envOr(URL_VARIABLE, "http://localhost:8080"))
                .help("the server's API URL (default: $" + URL_VARIABLE + ", else http://localhost:8080)");
        subparser.addArgument("--key").setDefault(envOr(KEY_VARIABLE, null))
                .help("a write key of the workspace to import into (default: $" + KEY_VARIABLE + ")");
        subparser.addArgument("--format").choices("auto", "segment", "mixpanel").setDefault("auto")
                .help("the lines' format; auto decides for each line from its shape");
        subparser.addArgument("--connections").type(Integer.class).setDefault(4).help("parallel requests");
        subparser.addArgument("--batch-size").type(Integer.class).setDefault(Importer.DEFAULT_BATCH_EVENTS)
                .help("events per request, at most " + EventLimits.MAX_BATCH_EVENTS + " (requests are also kept under "
                        + Importer.BATCH_BYTES / 1024 + " KiB)");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        String key = namespace.getString("key");
        if (key == null || key.isBlank()) {
            throw new ImportFailure("no write key: give --key KEY or set " + KEY_VARIABLE);
        }
        Importer.Options options;
        try {
            options = new Importer.Options(URI.create(namespace.getString("url")), key,
                    HistoryFormat.valueOf(namespace.getString("format").toUpperCase(Locale.ROOT)),
                    namespace.getInt("connections"), namespace.getInt("batch_size"), Importer.BATCH_BYTES);
        } catch (IllegalArgumentException e) {
            throw new ImportFailure(e.getMessage());
        }
        List<Importer.Input> inputs = inputs(namespace.getList("files"));
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Importer importer = new Importer(options, http);
        long total = inputs.stream().anyMatch(input -> input.size() < 0)
                ? -1 : inputs.stream().mapToLong(Importer.Input::size).sum();
        Progress progress = new Progress(importer, total, System.console() != null, System.err);
        Importer.Result result;
        try {
            result = importer.run(inputs);
        } finally {
            progress.stop();
        }
        printSummary(System.out, inputs, result);
        System.out.flush();
        if (result.failure() != null) {
            throw new ImportFailure("the import stopped: " + result.failure());
        }
        if (result.tally().rejected() > 0) {
            long rejected = result.tally().rejected();
            throw new ImportFailure(String.format("%,d line%s rejected (listed above); the others were imported",
                    rejected, rejected == 1 ? "" : "s"));
        }
    }

    /** An expected way for an import to end badly: said in one line, without a stack trace, and exit code 1. */
    static final class ImportFailure extends RuntimeException {
        ImportFailure(String message) {
            super(message);
        }
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof ImportFailure) {
            cli.getStdErr().println("invitetrack import: " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    private static List<Importer.Input> inputs(List<String> files) {
        List<Importer.Input> inputs = new ArrayList<>();
        for (String file : files) {
            if (file.equals(STDIN)) {
                // Not closed with the import: standard input stays the process's.
                inputs.add(new Importer.Input("stdin", () -> new FilterInputStream(System.in) {
                    @Override
                    public void close() {}
                }, -1));
                continue;
            }
            Path path = Path.of(file);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new ImportFailure("cannot read " + file + ": " + (Files.exists(path)
                        ? "not a readable file" : "no such file"));
            }
            try {
                inputs.add(new Importer.Input(file, () -> Files.newInputStream(path), Files.size(path)));
            } catch (IOException e) {
                throw new ImportFailure("cannot read " + file + ": " + e.getMessage());
            }
        }
        return inputs;
    }

    static void printSummary(PrintStream out, List<Importer.Input> inputs, Importer.Result result) {
        ImportTally tally = result.tally();
        double seconds = Math.max(result.elapsed().toNanos() / 1e9, 1e-3);
        out.printf("import of %s: %,d lines in %.1f s (%,.0f events/s)%n",
                inputs.size() == 1 ? inputs.get(0).name() : inputs.size() + " inputs", tally.read(), seconds,
                tally.read() / seconds);
        out.printf("  read       %,12d%n", tally.read());
        out.printf("  stored     %,12d%n", tally.stored());
        out.printf("  repeats    %,12d  (stored before, or repeated in the input: not stored again)%n",
                tally.repeats());
        out.printf("  rejected   %,12d%n", tally.rejected());
        if (result.notImported() > 0) {
            out.printf("  not sent   %,12d  (the import stopped)%n", result.notImported());
        }
        if (tally.warned() > 0) {
            out.printf("  warnings   %,12d  (stored, with a warning)%n", tally.warned());
        }
        list(out, "rejected lines", tally.firstRejections(), tally.rejected());
        list(out, "lines with warnings", tally.firstWarnings(), tally.warned());
    }

    private static void list(PrintStream out, String what, List<ImportTally.Note> notes, long total) {
        if (notes.isEmpty()) {
            return;
        }
        out.printf("%s%s:%n", what, total > notes.size() ? String.format(" (the first %d of %,d)", notes.size(),
                total) : "");
        for (ImportTally.Note note : notes) {
            out.println("  " + note);
        }
        if (total > notes.size()) {
            out.printf("  ... and %,d more%n", total - notes.size());
        }
    }

    private static @Nullable String envOr(String variable, @Nullable String fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * The import's progress on standard error: a bar redrawn in place on a terminal, a plain line every
     * {@link #PLAIN_REFRESH} otherwise.
     */
    private static final class Progress {
        private static final int BAR = 24;
        private final Importer importer;
        private final long totalBytes;
        private final boolean terminal;
        private final PrintStream out;
        private final long started = System.nanoTime();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "import-progress");
            thread.setDaemon(true);
            return thread;
        });

        Progress(Importer importer, long totalBytes, boolean terminal, PrintStream out) {
            this.importer = importer;
            this.totalBytes = totalBytes;
            this.terminal = terminal;
            this.out = out;
            Duration every = terminal ? TERMINAL_REFRESH : PLAIN_REFRESH;
            timer.scheduleAtFixedRate(this::show, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }

        private synchronized void show() {
            double seconds = (System.nanoTime() - started) / 1e9;
            long read = importer.tally().read();
            long bytes = importer.bytesRead();
            StringBuilder line = new StringBuilder();
            if (totalBytes > 0) {
                double share = Math.min(1.0, (double) bytes / totalBytes);
                if (terminal) {
                    int filled = (int) Math.round(share * BAR);
                    char[] bar = new char[BAR];
                    Arrays.fill(bar, 0, filled, '#');
                    Arrays.fill(bar, filled, BAR, '.');
                    line.append('[').append(bar).append("] ");
                }
                line.append(String.format("%3.0f %%  ", share * 100));
            }
            line.append(String.format("%,d events  %,.0f events/s  %s", read, read / Math.max(seconds, 1e-3),
                    size(bytes)));
            if (totalBytes > 0) {
                line.append(" of ").append(size(totalBytes));
                if (bytes > 0 && bytes < totalBytes) {
                    long left = (long) (seconds * (totalBytes - bytes) / bytes);
                    line.append(String.format("  ETA %d:%02d:%02d", left / 3600, left / 60 % 60, left % 60));
                }
            } else {
                line.append(" read");
            }
            if (terminal) {
                out.print("\r" + line + "\u001b[K");
            } else {
                out.println(line);
            }
            out.flush();
        }

        synchronized void stop() {
            timer.shutdownNow();
            if (terminal) {
                out.print("\r\u001b[K");
                out.flush();
            }
        }

        private static String size(long bytes) {
            if (bytes < 1024 * 1024) {
                return String.format("%,.0f KiB", bytes / 1024.0);
            }
            if (bytes < 1024L * 1024 * 1024) {
                return String.format("%,.1f MiB", bytes / (1024.0 * 1024));
            }
            return String.format("%,.2f GiB", bytes / (1024.0 * 1024 * 1024));
        }
    }
}

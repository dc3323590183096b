package dev.invitetrack.bench;

import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The id index alone, on one thread, holding {@code ids} ids (10M by default) of five workspaces, with message ids
 * shaped like the SDKs' (random UUIDs): a commit of 100 new ids (the look-up, then the insert, as the write path
 * does them), and a commit of 100 ids that are all repeats (look-up only). Scores are ids per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class IdIndexCommits {
    private static final int COMMIT = 100;
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @Param("10000000")
    public long ids;

    private Path directory;
    private IdIndex index;
    private final SplittableRandom random = new SplittableRandom(42);
    private long next;
    private List<byte[]> fresh;
    private List<StoredEvent> freshRows;
    private List<byte[]> repeats;

    /** A message id as SDKs make them: a random UUID, from a seeded generator so that it can be made again. */
    static String messageId(long n) {
        SplittableRandom seeded = new SplittableRandom(n * 0x9E3779B97F4A7C15L);
        return new java.util.UUID(seeded.nextLong(), seeded.nextLong()).toString();
    }

    static String workspace(long n) {
        return "workspace-" + (n % 5);
    }

    @Setup(Level.Trial)
    public void fill() throws IOException {
        directory = Files.createTempDirectory("jmh-id-index");
        index = IdIndex.open(directory, 64L << 20);
        List<byte[]> keys = new ArrayList<>(10_000);
        List<Instant> times = new ArrayList<>(10_000);
        for (long n = 0; n < ids; n++) {
            keys.add(IdIndex.key(workspace(n), messageId(n)));
            times.add(NOW);
            if (keys.size() == 10_000) {
                index.addStored(keys, times, times);
                keys.clear();
                times.clear();
            }
        }
        index.addStored(keys, times, times);
        index.flush();
        index.compact();
        next = ids;
    }

    @Setup(Level.Invocation)
    public void nextCommit() {
        fresh = new ArrayList<>(COMMIT);
        freshRows = new ArrayList<>(COMMIT);
        repeats = new ArrayList<>(COMMIT);
        for (int i = 0; i < COMMIT; i++) {
            long n = next++;
            fresh.add(IdIndex.key(workspace(n), messageId(n)));
            freshRows.add(new StoredEvent(workspace(n), "x", "invite_sent", "u", null, NOW, NOW, null, null, null,
                    null, "{}", "{}"));
            long old = random.nextLong(ids);
            repeats.add(IdIndex.key(workspace(old), messageId(old)));
        }
    }

    /** The write path's commit of 100 new ids: one look-up of all, then one atomic insert. */
    @Benchmark
    @OperationsPerInvocation(COMMIT)
    public boolean[] commitOf100NewIds() {
        boolean[] found = index.contains(fresh);
        index.add(fresh, freshRows, "bench", next);
        return found;
    }

    /** The look-up alone of 100 new ids: what the Bloom filters answer, most without reading a block. */
    @Benchmark
    @OperationsPerInvocation(COMMIT)
    public boolean[] lookUpOf100NewIds() {
        return index.contains(fresh);
    }

    /** A commit of 100 repeats of ids stored long ago: the look-up finds each on disk (or in the cache). */
    @Benchmark
    @OperationsPerInvocation(COMMIT)
    public boolean[] lookUpOf100Repeats() {
        return index.contains(repeats);
    }

    @TearDown(Level.Trial)
    public void close() {
        index.close();
        deleteRecursively(directory);
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

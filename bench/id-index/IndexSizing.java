import dev.invitetrack.storage.index.IdIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The id index's size on disk and in memory at N ids, its open time, and the speed of 100-id look-ups of new and of
 * stored ids after a reopen (a cold cache). Ids as the JMH benchmark makes them: five workspaces, random UUIDs.
 * Usage: java -cp CLASSPATH bench/id-index/IndexSizing.java DIRECTORY IDS CACHE_MB
 * Prints one line of tab-separated figures: ids, fill_s, disk_bytes, open_ms, memory_bytes, new_ids_per_s,
 * stored_ids_per_s, rss_kb.
 */
public class IndexSizing {
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    static String messageId(long n) {
        SplittableRandom seeded = new SplittableRandom(n * 0x9E3779B97F4A7C15L);
        return new UUID(seeded.nextLong(), seeded.nextLong()).toString();
    }

    static byte[] key(long n) {
        return IdIndex.key("workspace-" + (n % 5), messageId(n));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long ids = Long.parseLong(args[1]);
        long cache = Long.parseLong(args[2]) << 20;
        long started = System.nanoTime();
        try (IdIndex index = IdIndex.open(dir, cache)) {
            List<byte[]> keys = new ArrayList<>(10_000);
            List<Instant> times = new ArrayList<>(10_000);
            for (long n = 0; n < ids; n++) {
                keys.add(key(n));
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
        }
        double fillSeconds = (System.nanoTime() - started) / 1e9;
        long disk;
        try (Stream<Path> files = Files.walk(dir)) {
            disk = files.filter(Files::isRegularFile).mapToLong(IndexSizing::size).sum();
        }
        long openStarted = System.nanoTime();
        try (IdIndex index = IdIndex.open(dir, cache)) {
            long openMillis = (System.nanoTime() - openStarted) / 1_000_000;
            SplittableRandom random = new SplittableRandom(7);
            // Two seconds of 100-id look-ups of new ids, then of stored ids, on one thread.
            double newRate = rate(index, () -> key(ids + random.nextLong(Long.MAX_VALUE / 4)));
            double storedRate = rate(index, () -> key(random.nextLong(ids)));
            System.out.printf("%d\t%.1f\t%d\t%d\t%d\t%.0f\t%.0f\t%d%n", ids, fillSeconds, disk, openMillis,
                    index.memoryBytes(), newRate, storedRate, rssKilobytes());
        }
    }

    interface Keys {
        byte[] next();
    }

    static double rate(IdIndex index, Keys keys) {
        long looked = 0;
        long end = System.nanoTime() + 2_000_000_000L;
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            List<byte[]> commit = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                commit.add(keys.next());
            }
            index.contains(commit);
            looked += 100;
        }
        return looked / ((System.nanoTime() - started) / 1e9);
    }

    static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }

    static long rssKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

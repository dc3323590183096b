package dev.invitetrack.storage.write;

import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.storage.StorageException;
import dev.invitetrack.storage.StoredEvent;
import dev.invitetrack.storage.index.IdIndex;
import dev.invitetrack.storage.journal.JournalRecord;
import dev.invitetrack.storage.journal.LocalJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer in front of a real journal and id index (what the write path gives it): each request's
 * flags, repeats across concurrent requests, a poisoned request that fails alone, a bounded queue, and a stop that
 * commits what is queued.
 */
class GroupCommitWriterTest {
    private static final int THREADS = 8;
    private static final int SUBMITS_PER_THREAD = 200;

    @TempDir
    Path dir;

    private LocalJournal journal;
    private IdIndex index;
    private Gated gated;
    private GroupCommitWriter writer;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        journal = new LocalJournal(dir.resolve("journal"), 1 << 20, 100_000);
        index = IdIndex.open(dir.resolve("index"), 8 << 20);
        gated = new Gated(new Committing(new IndexedJournal(journal, index)));
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() throws InterruptedException {
        gated.open();
        if (writer != null) {
            writer.stop();
        }
        pool.shutdownNow();
        index.close();
        journal.close();
    }

    private GroupCommitWriter start(GroupCommitWriter.Target target, int maxQueuedEvents, int maxEventsPerCommit) {
        return start(target, maxQueuedEvents, maxEventsPerCommit, Duration.ZERO);
    }

    private GroupCommitWriter start(GroupCommitWriter.Target target, int maxQueuedEvents, int maxEventsPerCommit,
            Duration maxCommitDelay) {
        writer = new GroupCommitWriter(target, maxQueuedEvents, maxEventsPerCommit, Duration.ZERO, maxCommitDelay,
                new MetricRegistry());
        writer.start();
        return writer;
    }

    /** Events journaled so far: each committed new event once. */
    private long journaled() {
        return journal.events();
    }

    private GroupCommitWriter.Target plain() {
        return gated.delegate;
    }

    @Test
    void concurrentSubmitsAllCompleteWithTheirOwnRowFlags() throws Exception {
        start(plain(), 100_000, 1_000);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<List<Request>>> submitters = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            submitters.add(() -> {
                go.await();
                List<Request> mine = new ArrayList<>();
                for (int i = 0; i < SUBMITS_PER_THREAD; i++) {
                    String id = "t" + thread + "-" + i;
                    // Requests of different sizes, some repeating a row of their own, so that each
                    // request's slice of the commit's flags is checked at a different offset.
                    List<StoredEvent> rows = switch (i % 3) {
                        case 0 -> List.of(row("acme", id + "-a"));
                        case 1 -> List.of(row("acme", id + "-a"), row("acme", id + "-b"));
                        default -> List.of(row("acme", id + "-a"), row("acme", id + "-b"), row("acme", id + "-a"));
                    };
                    boolean[] expected = switch (i % 3) {
                        case 0 -> new boolean[] {true};
                        case 1 -> new boolean[] {true, true};
                        default -> new boolean[] {true, true, false};
                    };
                    mine.add(new Request(writer.submit(rows), expected));
                }
                return mine;
            });
        }
        List<Future<List<Request>>> results = submitters.stream().map(pool::submit).toList();
        go.countDown();

        for (Future<List<Request>> result : results) {
            for (Request request : result.get(20, TimeUnit.SECONDS)) {
                assertThat(request.done().get(20, TimeUnit.SECONDS)).containsExactly(request.expected());
            }
        }
        long distinctRows = (long) THREADS * IntStream.range(0, SUBMITS_PER_THREAD).map(i -> i % 3 == 0 ? 1 : 2).sum();
        assertThat(journaled()).isEqualTo(distinctRows);
        assertThat(writer.queuedEvents()).isZero();
    }

    @Test
    void duplicateMessageIdSubmittedConcurrentlyCountsOnce() throws Exception {
        start(plain(), 100_000, 1_000);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<List<CompletableFuture<boolean[]>>>> submitters = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            submitters.add(() -> {
                go.await();
                List<CompletableFuture<boolean[]>> mine = new ArrayList<>();
                for (int i = 0; i < SUBMITS_PER_THREAD; i++) {
                    mine.add(writer.submit(List.of(row("acme", "shared-" + i))));
                }
                return mine;
            });
        }
        List<Future<List<CompletableFuture<boolean[]>>>> results = submitters.stream().map(pool::submit).toList();
        go.countDown();

        int[] newPerMessage = new int[SUBMITS_PER_THREAD];
        for (Future<List<CompletableFuture<boolean[]>>> result : results) {
            List<CompletableFuture<boolean[]>> futures = result.get(20, TimeUnit.SECONDS);
            for (int i = 0; i < futures.size(); i++) {
                if (futures.get(i).get(20, TimeUnit.SECONDS)[0]) {
                    newPerMessage[i]++;
                }
            }
        }
        assertThat(newPerMessage).containsOnly(1);
        assertThat(journaled()).isEqualTo(SUBMITS_PER_THREAD);
    }

    @Test
    void poisonedRequestFailsAloneWhileItsCommitGroupSucceeds() throws Exception {
        start(gated, 10_000, 10_000);
        CompletableFuture<boolean[]> first = writer.submit(List.of(row("acme", "first")));
        gated.awaitEntered();

        // Everything below queues up behind the blocked write, so it is drained as one commit group.
        int goodPerThread = 5;
        List<Callable<List<CompletableFuture<boolean[]>>>> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            submitters.add(() -> IntStream.range(0, goodPerThread)
                    .mapToObj(i -> writer.submit(List.of(row("acme", "good-" + thread + "-" + i))))
                    .toList());
        }
        List<Future<List<CompletableFuture<boolean[]>>>> goodResults = pool.invokeAll(submitters);
        CompletableFuture<boolean[]> poison = writer.submit(List.of(row("acme", "poison")));
        CompletableFuture<boolean[]> goodAfterPoison = writer.submit(List.of(row("acme", "after-poison")));
        gated.open();

        assertThat(first.get(20, TimeUnit.SECONDS)).containsExactly(true);
        for (Future<List<CompletableFuture<boolean[]>>> result : goodResults) {
            for (CompletableFuture<boolean[]> good : result.get()) {
                assertThat(good.get(20, TimeUnit.SECONDS)).containsExactly(true);
            }
        }
        assertThat(goodAfterPoison.get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThatThrownBy(() -> poison.get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StorageException.class);

        int group = 4 * goodPerThread + 2;
        assertThat(gated.calls()).as("the combined commit failed, then each request was retried alone")
                .contains(new Call(group, false))
                .filteredOn(call -> !call.succeeded())
                .containsExactly(new Call(group, false), new Call(1, false));
        assertThat(journaled()).isEqualTo(1 + 4 * goodPerThread + 1);
        assertThat(writer.queuedEvents()).isZero();
    }

    @Test
    void fullQueueRefusesWithOverloadedAndStaysBounded() throws Exception {
        start(gated, 10, 100);
        List<CompletableFuture<boolean[]>> accepted = new ArrayList<>();
        accepted.add(writer.submit(List.of(row("acme", "in-flight"))));
        gated.awaitEntered();
        accepted.add(writer.submit(List.of(row("acme", "q-1"), row("acme", "q-2"), row("acme", "q-3"),
                row("acme", "q-4"))));
        accepted.add(writer.submit(List.of(row("acme", "q-5"), row("acme", "q-6"), row("acme", "q-7"),
                row("acme", "q-8"), row("acme", "q-9"))));
        assertThat(writer.queuedEvents()).isEqualTo(10);

        assertThatThrownBy(() -> writer.submit(List.of(row("acme", "refused"))))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("queue is full");
        List<StoredEvent> biggerThanTheQueue = IntStream.range(0, 11).mapToObj(i -> row("acme", "big-" + i)).toList();
        assertThatThrownBy(() -> writer.submit(biggerThanTheQueue)).isInstanceOf(OverloadedException.class);
        assertThat(writer.queuedEvents()).isEqualTo(10);

        gated.open();
        for (CompletableFuture<boolean[]> future : accepted) {
            assertThat(future.get(20, TimeUnit.SECONDS)).doesNotContain(false);
        }
        assertThat(writer.queuedEvents()).isZero();
        assertThat(journaled()).isEqualTo(10);
        assertThat(writer.submit(List.of(row("acme", "after-drain"))).get(20, TimeUnit.SECONDS)).containsExactly(true);
    }

    @Test
    void stopWritesEverythingAlreadyQueuedBeforeReturning() throws Exception {
        start(gated, 10_000, 7);
        List<CompletableFuture<boolean[]>> futures = new ArrayList<>();
        futures.add(writer.submit(List.of(row("acme", "in-flight"))));
        gated.awaitEntered();
        int queued = 50;
        for (int i = 0; i < queued; i++) {
            futures.add(writer.submit(List.of(row("acme", "q-" + i + "-a"), row("acme", "q-" + i + "-b"))));
        }

        Thread stopper = new Thread(() -> {
            try {
                writer.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        // Once the stopper waits for the writer thread, the stop marker is queued behind every request.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stopper.getState() != Thread.State.TIMED_WAITING && stopper.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThatThrownBy(() -> writer.submit(List.of(row("acme", "too-late"))))
                .isInstanceOf(IllegalStateException.class);
        gated.open();
        stopper.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(stopper.isAlive()).isFalse();
        assertThat(futures).allSatisfy(future -> assertThat(future).isCompleted());
        assertThat(futures).allSatisfy(future -> assertThat(future.join()).doesNotContain(false));
        assertThat(journaled()).isEqualTo(1 + 2L * queued);
        assertThat(writer.queuedEvents()).isZero();
    }

    /** Gets the writer to a commit of two requests: one taken alone while the gate holds, then the two queued. */
    private void commitTwoTogether() throws Exception {
        CompletableFuture<boolean[]> alone = writer.submit(List.of(row("acme", "alone")));
        gated.awaitEntered();
        CompletableFuture<boolean[]> first = writer.submit(List.of(row("acme", "pair-1")));
        CompletableFuture<boolean[]> second = writer.submit(List.of(row("acme", "pair-2")));
        gated.open();
        for (CompletableFuture<boolean[]> done : List.of(alone, first, second)) {
            assertThat(done.get(20, TimeUnit.SECONDS)).containsExactly(true);
        }
        assertThat(gated.calls()).containsExactly(new Call(1, true), new Call(2, true));
    }

    @Test
    void underLoadACommitWaitsForAsManyRequestsAsTheOneBefore() throws Exception {
        start(gated, 100, 100, Duration.ofMinutes(1));
        commitTwoTogether();

        CompletableFuture<boolean[]> first = writer.submit(List.of(row("acme", "next-1")));
        Thread.sleep(200); // without the wait, the first request would be committed alone meanwhile
        CompletableFuture<boolean[]> second = writer.submit(List.of(row("acme", "next-2")));

        assertThat(first.get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThat(second.get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThat(gated.calls()).endsWith(new Call(2, true)).hasSize(3);
    }

    @Test
    void theWaitIsBoundedAndALoneClientIsNotDelayedAfterIt() throws Exception {
        start(gated, 100, 100, Duration.ofMillis(100));
        commitTwoTogether();

        // The load is gone: one commit waits out the delay for a second request that never comes...
        assertThat(writer.submit(List.of(row("acme", "after-1"))).get(20, TimeUnit.SECONDS)).containsExactly(true);
        // ...and from then on a lone client's requests are committed as they come.
        assertThat(writer.submit(List.of(row("acme", "after-2"))).get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThat(gated.calls()).containsExactly(new Call(1, true), new Call(2, true), new Call(1, true),
                new Call(1, true));
    }

    @Test
    void aLoneClientIsNeverDelayed() throws Exception {
        gated.open();
        start(gated, 100, 100, Duration.ofMinutes(1));

        // One request at a time: each is committed at once, not after the minute of delay.
        for (int i = 0; i < 3; i++) {
            assertThat(writer.submit(List.of(row("acme", "alone-" + i))).get(20, TimeUnit.SECONDS))
                    .containsExactly(true);
        }
        assertThat(gated.calls()).hasSize(3);
    }

    @Test
    void submitAfterStopIsRefused() throws Exception {
        start(plain(), 100, 100);
        assertThat(writer.submit(List.of(row("acme", "m-1"))).get(20, TimeUnit.SECONDS)).containsExactly(true);

        writer.stop();

        assertThatThrownBy(() -> writer.submit(List.of(row("acme", "m-2"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThat(journaled()).isEqualTo(1);
    }

    @Test
    void submitBeforeStartIsRefused() {
        writer = new GroupCommitWriter(plain(), 100, 100, Duration.ZERO, Duration.ZERO, new MetricRegistry());

        assertThatThrownBy(() -> writer.submit(List.of(row("acme", "m-1"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRecordIsJournaledAfterTheEventsQueuedBeforeItAndAnswersItsPosition() throws Exception {
        start(gated, 10_000, 10_000);
        CompletableFuture<boolean[]> first = writer.submit(List.of(row("acme", "before-1")));
        gated.awaitEntered();
        CompletableFuture<boolean[]> second = writer.submit(List.of(row("acme", "before-2")));
        CompletableFuture<Long> deletion = writer.submit(new JournalRecord.DeleteUser("acme", "user-1"));
        CompletableFuture<boolean[]> after = writer.submit(List.of(row("acme", "after")));
        gated.open();

        assertThat(first.get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThat(second.get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThat(after.get(20, TimeUnit.SECONDS)).containsExactly(true);
        long position = deletion.get(20, TimeUnit.SECONDS);
        assertThat(journal.read(1, 100)).extracting(entry -> entry.record().getClass().getSimpleName())
                .containsExactly("Events", "Events", "DeleteUser", "Events");
        assertThat(position).isEqualTo(3);
    }

    private record Request(CompletableFuture<boolean[]> done, boolean[] expected) {}

    private record Call(int rows, boolean succeeded) {}

    /** The real commit, refusing any commit that holds the event with id {@code poison}. */
    private static final class Committing implements GroupCommitWriter.Target {
        private final IndexedJournal journaled;

        Committing(IndexedJournal journaled) {
            this.journaled = journaled;
        }

        @Override
        public boolean[] commit(List<StoredEvent> rows) {
            if (rows.stream().anyMatch(row -> row.messageId().equals("poison"))) {
                throw new StorageException("poisoned commit");
            }
            return journaled.commit(rows);
        }

        @Override
        public long append(JournalRecord record) {
            return journaled.append(record);
        }
    }

    /**
     * The real commit behind a gate: the first commit waits until the test opens the gate, so that the requests
     * submitted meanwhile pile up and are drained together. Records every commit's size and outcome.
     */
    private static final class Gated implements GroupCommitWriter.Target {
        private final GroupCommitWriter.Target delegate;
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        Gated(GroupCommitWriter.Target delegate) {
            this.delegate = delegate;
        }

        void awaitEntered() throws InterruptedException {
            assertThat(entered.await(20, TimeUnit.SECONDS)).as("the writer reached the commit").isTrue();
        }

        void open() {
            gate.countDown();
        }

        List<Call> calls() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }

        private void pass() {
            entered.countDown();
            try {
                if (!gate.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean[] commit(List<StoredEvent> rows) {
            pass();
            try {
                boolean[] fresh = delegate.commit(rows);
                calls.add(new Call(rows.size(), true));
                return fresh;
            } catch (RuntimeException e) {
                calls.add(new Call(rows.size(), false));
                throw e;
            }
        }

        @Override
        public long append(JournalRecord record) {
            pass();
            return delegate.append(record);
        }
    }
}

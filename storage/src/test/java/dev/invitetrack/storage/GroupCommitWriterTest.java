package dev.invitetrack.storage;

import static dev.invitetrack.storage.TestRows.count;
import static dev.invitetrack.storage.TestRows.memoryUrl;
import static dev.invitetrack.storage.TestRows.poisoned;
import static dev.invitetrack.storage.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
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

class GroupCommitWriterTest {
    private static final int THREADS = 8;
    private static final int SUBMITS_PER_THREAD = 200;

    private Storage storage;
    private GatedStore gated;
    private GroupCommitWriter writer;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        storage = H2EventStore.open(memoryUrl(), "test");
        gated = new GatedStore(storage.events());
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() throws InterruptedException {
        gated.open();
        if (writer != null) {
            writer.stop();
        }
        pool.shutdownNow();
        storage.close();
    }

    private GroupCommitWriter start(EventStore store, int maxQueuedEvents, int maxEventsPerCommit) {
        writer = new GroupCommitWriter(store, maxQueuedEvents, maxEventsPerCommit, new MetricRegistry());
        writer.start();
        return writer;
    }

    @Test
    void concurrentSubmitsAllCompleteWithTheirOwnRowFlags() throws Exception {
        start(storage.events(), 100_000, 1_000);
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
        assertThat(count(storage.jdbi())).isEqualTo(distinctRows);
        assertThat(writer.queuedEvents()).isZero();
    }

    @Test
    void duplicateMessageIdSubmittedConcurrentlyCountsOnce() throws Exception {
        start(storage.events(), 100_000, 1_000);
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
        assertThat(count(storage.jdbi())).isEqualTo(SUBMITS_PER_THREAD);
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
        CompletableFuture<boolean[]> poison = writer.submit(List.of(poisoned()));
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
        assertThat(count(storage.jdbi())).isEqualTo(1 + 4 * goodPerThread + 1);
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
        assertThat(count(storage.jdbi())).isEqualTo(10);
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
        assertThat(count(storage.jdbi())).isEqualTo(1 + 2L * queued);
        assertThat(writer.queuedEvents()).isZero();
    }

    @Test
    void submitAfterStopIsRefused() throws Exception {
        start(storage.events(), 100, 100);
        assertThat(writer.submit(List.of(row("acme", "m-1"))).get(20, TimeUnit.SECONDS)).containsExactly(true);

        writer.stop();

        assertThatThrownBy(() -> writer.submit(List.of(row("acme", "m-2"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThat(count(storage.jdbi())).isEqualTo(1);
    }

    @Test
    void submitBeforeStartIsRefused() {
        writer = new GroupCommitWriter(storage.events(), 100, 100, new MetricRegistry());

        assertThatThrownBy(() -> writer.submit(List.of(row("acme", "m-1"))))
                .isInstanceOf(IllegalStateException.class);
    }

    private record Request(CompletableFuture<boolean[]> done, boolean[] expected) {}

    private record Call(int rows, boolean succeeded) {}

    /**
     * The real store behind a gate: the first write waits until the test opens the gate, so that the
     * requests submitted meanwhile pile up and are drained together. Records every write's size and outcome.
     */
    private static final class GatedStore implements EventStore {
        private final EventStore delegate;
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        GatedStore(EventStore delegate) {
            this.delegate = delegate;
        }

        void awaitEntered() throws InterruptedException {
            assertThat(entered.await(20, TimeUnit.SECONDS)).as("the writer reached the store").isTrue();
        }

        void open() {
            gate.countDown();
        }

        List<Call> calls() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }

        @Override
        public long deleteUser(String workspaceId, String userId) {
            return delegate.deleteUser(workspaceId, userId);
        }

        @Override
        public long deleteInvitee(String workspaceId, String email) {
            return delegate.deleteInvitee(workspaceId, email);
        }

        @Override
        public long deleteOlderThan(java.time.Instant cutoff) {
            return delegate.deleteOlderThan(cutoff);
        }

        @Override
        public boolean[] alreadyStored(List<StoredEvent> rows) {
            return delegate.alreadyStored(rows);
        }

        @Override
        public boolean[] write(List<StoredEvent> rows) {
            entered.countDown();
            try {
                if (!gate.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                boolean[] inserted = delegate.write(rows);
                calls.add(new Call(rows.size(), true));
                return inserted;
            } catch (RuntimeException e) {
                calls.add(new Call(rows.size(), false));
                throw e;
            }
        }

        @Override
        public void migrate() {
            delegate.migrate();
        }

        @Override
        public void ping() {
            delegate.ping();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}

package dev.invitetrack.query.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.invitetrack.config.IngestConfig;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.StorageKind;
import dev.invitetrack.storage.Storages;
import dev.invitetrack.storage.TestRows;
import dev.invitetrack.storage.h2.H2Database;
import dev.invitetrack.storage.h2.H2EventStore;
import dev.invitetrack.storage.testing.TestStorages;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Read-your-writes through the filter, over the real write path in front of H2, whose applier here only writes
 * when a reader asks: a query that may wait sees the acknowledged event; one that may not is answered without it
 * and says so.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AcknowledgedWritesFilterTest {
    /** The write path's journal and id index, deleted after the tests. */
    private static final java.nio.file.Path DATA = dataDirectory();
    private static final Storage STORAGE = lazyStorage();

    static final ResourceExtension WAITING = ResourceExtension.builder()
            .addResource(new CountResource(STORAGE.jdbi()))
            .addProvider(new AcknowledgedWritesFilter(STORAGE.writes(), Duration.ofSeconds(20)))
            .build();

    static final ResourceExtension NOT_WAITING = ResourceExtension.builder()
            .addResource(new CountResource(STORAGE.jdbi()))
            .addProvider(new AcknowledgedWritesFilter(STORAGE.writes(), Duration.ZERO))
            .build();

    /** H2 behind a write path whose applier waits an hour between writes unless a reader waits. */
    private static Storage lazyStorage() {
        H2EventStore store = new H2EventStore(H2Database.open(TestRows.memoryUrl(), "filter test"));
        return Storages.start(StorageKind.H2, store, store.database().jdbi(), Storages.settings(
                TestStorages.h2Config(DATA), new IngestConfig(), Duration.ofSeconds(1), 10_000,
                Long.MAX_VALUE, Duration.ofHours(1)),
                Clock.systemUTC(), new MetricRegistry());
    }

    private static java.nio.file.Path dataDirectory() {
        try {
            return Files.createTempDirectory("filter-storage-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void close() throws IOException {
        STORAGE.close();
        MoreFiles.deleteRecursively(DATA, RecursiveDeleteOption.ALLOW_INSECURE);
    }

    @Test
    void aQueryWaitsForAcknowledgedEventsOrSaysThatItDidNot() throws Exception {
        // The first event after a quiet spell is written at once; the next one waits for the interval.
        acknowledge("first");
        assertThat(WAITING.target("/count").request().get().readEntity(String.class)).isEqualTo("1");
        acknowledge("second");

        Response lagging = NOT_WAITING.target("/count").request().get();
        assertThat(lagging.readEntity(String.class)).isEqualTo("1");
        assertThat(lagging.getHeaderString(AcknowledgedWritesFilter.LAGGING_HEADER)).contains("not yet in storage");

        Response fresh = WAITING.target("/count").request().get();
        assertThat(fresh.readEntity(String.class)).isEqualTo("2");
        assertThat(fresh.getHeaderString(AcknowledgedWritesFilter.LAGGING_HEADER)).isNull();
    }

    private static void acknowledge(String id) throws Exception {
        assertThat(STORAGE.writes().submit(List.of(TestRows.row("acme", id))).get(20, TimeUnit.SECONDS))
                .containsExactly(true);
    }

    @Path("/count")
    @ReadsEvents
    @Produces(MediaType.TEXT_PLAIN)
    public static final class CountResource {
        private final Jdbi jdbi;

        CountResource(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        @GET
        public String count() {
            return Long.toString(TestRows.count(jdbi));
        }
    }
}

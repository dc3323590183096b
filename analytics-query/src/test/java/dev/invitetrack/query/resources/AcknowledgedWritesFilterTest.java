package dev.invitetrack.query.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.invitetrack.storage.H2EventStore;
import dev.invitetrack.storage.JournaledEventStore;
import dev.invitetrack.storage.Storage;
import dev.invitetrack.storage.TestRows;
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
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Read-your-writes through the filter, over a real journal-first store on H2 whose shipper only ships when a
 * reader asks: a query that may wait sees the acknowledged event; one that may not is answered without it
 * and says so.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AcknowledgedWritesFilterTest {
    private static final Storage H2 = H2EventStore.open(TestRows.memoryUrl(), "filter test");
    private static final JournaledEventStore STORE = journalFirst();

    static final ResourceExtension WAITING = ResourceExtension.builder()
            .addResource(new CountResource(H2.jdbi()))
            .addProvider(new AcknowledgedWritesFilter(STORE, Duration.ofSeconds(20)))
            .build();

    static final ResourceExtension NOT_WAITING = ResourceExtension.builder()
            .addResource(new CountResource(H2.jdbi()))
            .addProvider(new AcknowledgedWritesFilter(STORE, Duration.ZERO))
            .build();

    private static JournaledEventStore journalFirst() {
        H2.events().migrate();
        try {
            return new JournaledEventStore(H2.events(), Files.createTempDirectory("filter-journal"), 1L << 30, true,
                    Duration.ofHours(1), new MetricRegistry());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void close() {
        STORE.close();
    }

    @Test
    void aQueryWaitsForAcknowledgedEventsOrSaysThatItDidNot() {
        assertThat(STORE.write(List.of(TestRows.row("acme", "acknowledged")))).containsExactly(true);

        Response lagging = NOT_WAITING.target("/count").request().get();
        assertThat(lagging.readEntity(String.class)).isEqualTo("0");
        assertThat(lagging.getHeaderString(AcknowledgedWritesFilter.LAGGING_HEADER)).contains("not yet in storage");

        Response fresh = WAITING.target("/count").request().get();
        assertThat(fresh.readEntity(String.class)).isEqualTo("1");
        assertThat(fresh.getHeaderString(AcknowledgedWritesFilter.LAGGING_HEADER)).isNull();
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

package dev.invitetrack.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.invitetrack.server.demo.InviteHistoryGenerator.Generated;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InviteHistoryGeneratorTest {
    private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2024-04-01T00:00:00Z");

    private static List<Generated> generate(long seed, int events) {
        return new InviteHistoryGenerator(new InviteHistoryGenerator.Options(seed, events, List.of("a", "b"), FROM, TO,
                50, 0.02)).generate();
    }

    private static Instant time(Generated generated) {
        return OffsetDateTime.parse(generated.event().get("timestamp").asText()).toInstant();
    }

    @Test
    void exactlyTheRequestedEventsInTheOrderTheyHappenAcrossTheWholeRange() {
        List<Generated> events = generate(1, 20_000);
        assertThat(events).hasSize(20_000);
        for (int i = 1; i < events.size(); i++) {
            assertThat(time(events.get(i))).as("event %d", i).isAfterOrEqualTo(time(events.get(i - 1)));
        }
        Duration span = Duration.between(FROM, TO);
        assertThat(time(events.get(0))).isBefore(FROM.plus(span.dividedBy(100)));
        assertThat(time(events.get(events.size() - 1))).isAfter(TO.minus(span.dividedBy(100))).isBefore(TO);
    }

    @Test
    void acceptancesArriveAfterTheirInviteAndSomeEventsTwice() {
        List<Generated> events = generate(2, 20_000);
        Map<String, Instant> invited = new HashMap<>();
        int acceptancesOfInvites = 0;
        int retries = 0;
        for (int i = 0; i < events.size(); i++) {
            ObjectNode event = events.get(i).event();
            String email = event.path("properties").path("invitee_email").asText().toLowerCase(Locale.ROOT);
            switch (event.get("event").asText()) {
                case "invite_sent" -> invited.putIfAbsent(email, time(events.get(i)));
                case "invite_accepted" -> {
                    if (invited.containsKey(email)) {
                        acceptancesOfInvites++;
                        assertThat(time(events.get(i))).isAfter(invited.get(email));
                    } else {
                        assertThat(email).as("only orphans are accepted before any invite").startsWith("nobody-");
                    }
                }
                default -> { }
            }
            if (i > 0 && event.equals(events.get(i - 1).event())) {
                retries++;
            }
        }
        // About 40 % of invites (80 % of stories) are accepted, and about 2 % of events are retried.
        assertThat(acceptancesOfInvites).isBetween(3_500, 5_500);
        assertThat(retries).isBetween(250, 550);
    }

    @Test
    void theSameSeedGivesTheSameEvents() {
        assertThat(generate(3, 2_000)).isEqualTo(generate(3, 2_000));
        assertThat(generate(3, 2_000)).isNotEqualTo(generate(4, 2_000));
    }
}

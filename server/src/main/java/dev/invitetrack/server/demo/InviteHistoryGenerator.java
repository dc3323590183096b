package dev.invitetrack.server.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A realistic invite history, as an app would send it to {@code /v1/batch}: a few inviters send most invites
 * (power-law activity), roles with a typical mix, about 40 % of invites accepted after a long-tailed delay
 * (minutes to weeks, some after any sensible window), most new users active soon after joining, re-invites
 * of the same address, acceptances nobody invited, other product events, timestamps written with several time zone offsets, invitee emails in
 * mixed case, some events without a message_id, and a share of events sent twice (client retries).
 *
 * <p>Events come out in the order they happen, as an app sends them: each invite's acceptance and the new
 * user's first action arrive later, mixed with everything that happened in between. Stories (an invite and
 * what follows, an orphan acceptance, another product event) start at increasing times, spaced so that the
 * requested number of events spans the range; what a story does later waits in a queue until its time.
 * The same seed and range always give the same events. Message ids name the range's end day too: a history
 * ending on another day is a different history (every event at another time), not a resend of this one.
 * Not thread-safe; create one per use.
 */
public final class InviteHistoryGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ROLES = {"Member", "Member", "Member", "Member", "Member", "Admin", "Admin",
        "Developer", "Developer", "Viewer", null};
    private static final String[] FIRST = {"Mark", "Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Ken",
        "Radia", "Dennis", "Frances", "Edsger", "Katherine", "Tim", "Hedy", "John"};
    private static final String[] LAST = {"Wood", "Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov",
        "Thompson", "Perlman", "Ritchie", "Allen", "Dijkstra", "Johnson", "Berners-Lee", "Lamarr", "McCarthy"};
    private static final ZoneOffset[] OFFSETS = {ZoneOffset.UTC, ZoneOffset.ofHours(-8), ZoneOffset.ofHours(-5),
        ZoneOffset.ofHours(1), ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHours(9), ZoneOffset.ofHours(12)};
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    /** What to generate. */
    public record Options(long seed, int events, List<String> workspaces, Instant from, Instant to,
            int invitersPerWorkspace, double duplicateShare) {
        public Options {
            requireNonNull(workspaces, "workspaces is null");
            workspaces = List.copyOf(workspaces);
            if (events < 1 || workspaces.isEmpty() || !from.isBefore(to) || invitersPerWorkspace < 1
                    || duplicateShare < 0 || duplicateShare > 0.5) {
                throw new IllegalArgumentException("events >= 1, a workspace, from < to, inviters >= 1,"
                        + " duplicate share in [0, 0.5]");
            }
        }
    }

    /** One event and the workspace it belongs to. */
    public record Generated(String workspace, ObjectNode event) {}

    /**
     * Events per story on average (duplicates included), measured over many stories of the mix below; it only
     * sets the spacing of story start times, which corrects itself as the remaining budget shrinks.
     */
    private static final double EVENTS_PER_STORY = 1.54;

    private final Options options;
    private final Random random;
    private final String idPrefix;
    private long sequence;
    /** Events generated but not yet due, by time then generation order. */
    private final PriorityQueue<Pending> pending = new PriorityQueue<>();
    private long generated;

    private record Pending(Instant at, long order, Generated event) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    public InviteHistoryGenerator(Options options) {
        this.options = requireNonNull(options, "options is null");
        this.random = new Random(options.seed());
        this.idPrefix = "msg-" + options.seed() + "-" + LocalDate.ofInstant(options.to(), ZoneOffset.UTC) + "-";
    }

    /** Exactly {@code options.events()} events (duplicates included), in the order an app would send them. */
    public List<Generated> generate() {
        List<Generated> out = new ArrayList<>(options.events());
        generate(out::add);
        return out;
    }

    /** The same events, handed over one at a time so that millions need no memory. */
    public void generate(Consumer<Generated> sink) {
        long now = options.from().toEpochMilli();
        long end = options.to().toEpochMilli();
        while (generated < options.events()) {
            // The mean gap spreads the stories still to come over the time left.
            double storiesLeft = Math.max(1, (options.events() - generated) / EVENTS_PER_STORY);
            long gap = (long) ((end - now) / storiesLeft * 2 * random.nextDouble());
            now = Math.min(now + gap, end - 1);
            Instant start = Instant.ofEpochMilli(now);
            while (!pending.isEmpty() && !pending.peek().at().isAfter(start)) {
                sink.accept(pending.poll().event());
            }
            story(options.workspaces().get(random.nextInt(options.workspaces().size())), start);
        }
        while (!pending.isEmpty()) {
            sink.accept(pending.poll().event());
        }
    }

    private void story(String workspace, Instant start) {
        double kind = random.nextDouble();
        if (kind < 0.80) {
            invite(workspace, start);
        } else if (kind < 0.81) {
            schedule(workspace, acceptance("nobody-" + (sequence++) + "@example.org", null, start,
                    workspace + "-new-" + (sequence++)), start);
        } else {
            schedule(workspace, other(workspace, start), start);
        }
    }

    /** Queues an event for its time; a share is sent twice, the retry right after the original. */
    private void schedule(String workspace, ObjectNode event, Instant at) {
        if (generated >= options.events()) {
            return;
        }
        pending.add(new Pending(at, generated++, new Generated(workspace, event)));
        if (generated < options.events() && random.nextDouble() < options.duplicateShare()) {
            pending.add(new Pending(at, generated++, new Generated(workspace, event.deepCopy())));
        }
    }

    private void invite(String workspace, Instant sentAt) {
        // Power law: a few inviters send most invites.
        int inviter = (int) Math.floor(options.invitersPerWorkspace() * Math.pow(random.nextDouble(), 3));
        String inviterId = workspace + "-user-" + inviter;
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        // One in twenty invites goes to an address invited before (a reminder or a second inviter).
        long person = random.nextDouble() < 0.05 && sequence > 10 ? random.nextLong(sequence) : sequence++;
        String email = first.toLowerCase(Locale.ROOT) + "." + last.toLowerCase(Locale.ROOT) + "." + person
                + "@" + workspace + ".example.com";
        ObjectNode sent = envelope("invite_sent", inviterId, sentAt);
        ObjectNode properties = sent.putObject("properties");
        properties.put("invitee_email", email);
        properties.put("invitee_first_name", first);
        properties.put("invitee_last_name", last);
        String role = ROLES[random.nextInt(ROLES.length)];
        if (role != null) {
            properties.put("invitee_role", role);
        }
        properties.put("source", random.nextBoolean() ? "settings_page" : "onboarding");
        schedule(workspace, sent, sentAt);
        if (random.nextDouble() < 0.40) {
            // Long tail: median about six hours, some after weeks.
            double hours = Math.exp(Math.log(6) + 1.6 * random.nextGaussian());
            Instant acceptedAt = sentAt.plus(Duration.ofSeconds((long) (hours * 3600) + 1));
            if (acceptedAt.isBefore(options.to())) {
                // Clients do not normalize: the address comes back in another case.
                String typed = random.nextBoolean() ? email : first + "." + last + "." + person + "@"
                        + workspace.toUpperCase(Locale.ROOT) + ".example.com";
                String newUser = workspace + "-new-" + (sequence++);
                schedule(workspace, acceptance(typed, inviterId, acceptedAt, newUser), acceptedAt);
                // Most new users do something soon after joining: the funnel's activation step.
                if (random.nextDouble() < 0.6) {
                    double activeHours = Math.exp(Math.log(2) + 1.5 * random.nextGaussian());
                    Instant activeAt = acceptedAt.plus(Duration.ofSeconds((long) (activeHours * 3600) + 1));
                    if (activeAt.isBefore(options.to())) {
                        ObjectNode active = envelope("project_created", newUser, activeAt);
                        active.putObject("properties").put("template", random.nextBoolean() ? "blank" : "kanban");
                        schedule(workspace, active, activeAt);
                    }
                }
            }
        }
    }

    private ObjectNode acceptance(String email, String inviterId, Instant at, String newUser) {
        ObjectNode accepted = envelope("invite_accepted", newUser, at);
        ObjectNode properties = accepted.putObject("properties");
        properties.put("invitee_email", email);
        if (inviterId != null) {
            properties.put("inviter_user_id", inviterId);
        }
        return accepted;
    }

    private ObjectNode other(String workspace, Instant at) {
        String name = random.nextBoolean() ? "project_created" : "report_exported";
        ObjectNode event = envelope(name, workspace + "-user-" + random.nextInt(options.invitersPerWorkspace() * 3),
                at);
        event.putObject("properties").put("plan", random.nextBoolean() ? "pro" : "free");
        return event;
    }

    private ObjectNode envelope(String name, String userId, Instant at) {
        ObjectNode event = JSON.createObjectNode();
        event.put("event", name);
        event.put("user_id", userId);
        // Most apps send ids; some rely on the derived id.
        if (random.nextDouble() < 0.9) {
            event.put("message_id", idPrefix + (sequence++));
        }
        ZoneOffset offset = OFFSETS[random.nextInt(OFFSETS.length)];
        event.put("timestamp", ISO.format(at.atOffset(offset)));
        event.putObject("context").put("library", "invitetrack-demo");
        return event;
    }
}

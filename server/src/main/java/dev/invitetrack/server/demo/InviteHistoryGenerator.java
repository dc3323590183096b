package dev.invitetrack.server.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A realistic invite history, as an app would send it to {@code /v1/batch}: a few inviters send most invites
 * (power-law activity), roles with a typical mix, about 40 % of invites accepted after a long-tailed delay
 * (minutes to weeks, some after any sensible window), most new users active soon after joining, re-invites
 * of the same address, acceptances nobody invited, other product events, timestamps written with several time zone offsets, invitee emails in
 * mixed case, some events without a message_id, and a share of events sent twice (client retries).
 * The same seed always gives the same events. Not thread-safe; create one per use.
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

    /** How far back a repeated (retried) event may reach. */
    static final int RECENT = 10_000;

    private final Options options;
    private final Random random;
    private long sequence;

    public InviteHistoryGenerator(Options options) {
        this.options = requireNonNull(options, "options is null");
        this.random = new Random(options.seed());
    }

    /** Exactly {@code options.events()} events (duplicates included), in the order an app would send them. */
    public List<Generated> generate() {
        List<Generated> out = new ArrayList<>(options.events());
        generate(out::add);
        return out;
    }

    /**
     * The same events, handed over one at a time so that millions need no memory: a repeat is drawn from
     * the last {@link #RECENT} events sent, as a client retry would be.
     */
    public void generate(Consumer<Generated> sink) {
        Generated[] recent = new Generated[RECENT];
        long emitted = 0;
        long originals = 0;
        while (emitted < options.events()) {
            if (originals > 0 && random.nextDouble() < options.duplicateShare()) {
                Generated again = recent[random.nextInt((int) Math.min(originals, RECENT))];
                sink.accept(new Generated(again.workspace(), again.event().deepCopy()));
                emitted++;
                continue;
            }
            String workspace = options.workspaces().get(random.nextInt(options.workspaces().size()));
            double kind = random.nextDouble();
            List<ObjectNode> produced = new ArrayList<>(3);
            if (kind < 0.80) {
                invite(workspace, produced);
            } else if (kind < 0.81) {
                produced.add(acceptance(workspace, "nobody-" + (sequence++) + "@example.org", null, randomTime(),
                        workspace + "-new-" + (sequence++)));
            } else {
                produced.add(other(workspace));
            }
            for (ObjectNode event : produced) {
                if (emitted < options.events()) {
                    Generated generated = new Generated(workspace, event);
                    recent[(int) (originals++ % RECENT)] = generated;
                    sink.accept(generated);
                    emitted++;
                }
            }
        }
    }

    private void invite(String workspace, List<ObjectNode> produced) {
        // Power law: a few inviters send most invites.
        int inviter = (int) Math.floor(options.invitersPerWorkspace() * Math.pow(random.nextDouble(), 3));
        String inviterId = workspace + "-user-" + inviter;
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        // One in twenty invites goes to an address invited before (a reminder or a second inviter).
        long person = random.nextDouble() < 0.05 && sequence > 10 ? random.nextLong(sequence) : sequence++;
        String email = first.toLowerCase(Locale.ROOT) + "." + last.toLowerCase(Locale.ROOT) + "." + person
                + "@" + workspace + ".example.com";
        Instant sentAt = randomTime();
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
        produced.add(sent);
        if (random.nextDouble() < 0.40) {
            // Long tail: median about six hours, some after weeks.
            double hours = Math.exp(Math.log(6) + 1.6 * random.nextGaussian());
            Instant acceptedAt = sentAt.plus(Duration.ofSeconds((long) (hours * 3600) + 1));
            if (acceptedAt.isBefore(options.to())) {
                // Clients do not normalize: the address comes back in another case.
                String typed = random.nextBoolean() ? email : first + "." + last + "." + person + "@"
                        + workspace.toUpperCase(Locale.ROOT) + ".example.com";
                String newUser = workspace + "-new-" + (sequence++);
                produced.add(acceptance(workspace, typed, inviterId, acceptedAt, newUser));
                // Most new users do something soon after joining: the funnel's activation step.
                if (random.nextDouble() < 0.6) {
                    double activeHours = Math.exp(Math.log(2) + 1.5 * random.nextGaussian());
                    Instant activeAt = acceptedAt.plus(Duration.ofSeconds((long) (activeHours * 3600) + 1));
                    if (activeAt.isBefore(options.to())) {
                        ObjectNode active = envelope("project_created", newUser, activeAt);
                        active.putObject("properties").put("template", random.nextBoolean() ? "blank" : "kanban");
                        produced.add(active);
                    }
                }
            }
        }
    }

    private ObjectNode acceptance(String workspace, String email, String inviterId, Instant at, String newUser) {
        ObjectNode accepted = envelope("invite_accepted", newUser, at);
        ObjectNode properties = accepted.putObject("properties");
        properties.put("invitee_email", email);
        if (inviterId != null) {
            properties.put("inviter_user_id", inviterId);
        }
        return accepted;
    }

    private ObjectNode other(String workspace) {
        String name = random.nextBoolean() ? "project_created" : "report_exported";
        ObjectNode event = envelope(name, workspace + "-user-" + random.nextInt(options.invitersPerWorkspace() * 3),
                randomTime());
        event.putObject("properties").put("plan", random.nextBoolean() ? "pro" : "free");
        return event;
    }

    private ObjectNode envelope(String name, String userId, Instant at) {
        ObjectNode event = JSON.createObjectNode();
        event.put("event", name);
        event.put("user_id", userId);
        // Most apps send ids; some rely on the derived id.
        if (random.nextDouble() < 0.9) {
            event.put("message_id", "msg-" + options.seed() + "-" + (sequence++));
        }
        ZoneOffset offset = OFFSETS[random.nextInt(OFFSETS.length)];
        event.put("timestamp", ISO.format(at.atOffset(offset)));
        event.putObject("context").put("library", "invitetrack-demo");
        return event;
    }

    private Instant randomTime() {
        long span = options.to().toEpochMilli() - options.from().toEpochMilli();
        return Instant.ofEpochMilli(options.from().toEpochMilli() + (long) (random.nextDouble() * span));
    }
}

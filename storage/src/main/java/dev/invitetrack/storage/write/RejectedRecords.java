package dev.invitetrack.storage.write;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.invitetrack.storage.Redaction;
import dev.invitetrack.storage.journal.JournalEntry;
import dev.invitetrack.storage.journal.JournalRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journal records a store refused again and again while it answered otherwise (a bug, since every event was
 * validated before it was acknowledged): each is saved as JSON lines in {@code <journal>/rejected/}, one file per
 * record, and logged as an error, so that an operator can inspect and replay it, and the store goes on with the
 * records after it instead of stopping for good.
 */
public final class RejectedRecords {
    private static final Logger LOG = LoggerFactory.getLogger(RejectedRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path directory;

    public RejectedRecords(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    void save(JournalEntry entry, RuntimeException refusal) {
        Path file = directory.resolve(String.format("%020d.jsonl", entry.position()));
        try {
            Files.createDirectories(directory);
            List<?> lines = entry.record() instanceof JournalRecord.Events events ? events.rows()
                    : List.of(entry.record());
            StringBuilder text = new StringBuilder();
            for (Object line : lines) {
                text.append(JSON.writeValueAsString(line)).append('\n');
            }
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            LOG.error("the store refused journal record {} ({} events) again and again while answering otherwise ({});"
                    + " set aside in {} for an operator to inspect and replay", entry.position(),
                    entry.record().events(),
                    Redaction.of(String.valueOf(refusal.getMessage())), file);
        } catch (IOException e) {
            LOG.error("the store refused journal record {} again and again ({}), and saving it to {} failed too ({}):"
                    + " it stays in the journal's segments until they are released", entry.position(),
                    Redaction.of(String.valueOf(refusal.getMessage())), file, e.getMessage());
        }
    }
}

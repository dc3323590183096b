package dev.invitetrack.web.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Keys created with {@code invitetrack keys create}, kept as SHA-256 digests only, in a JSON file beside the
 * configuration's own keys ({@code keysFile}). The server reads it at start and again whenever it changes,
 * so a created key works and a revoked one stops working within seconds, without a restart.
 */
public final class KeysFile {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private KeysFile() {}

    /** One key: a public id (to list and revoke it by), its workspace, its kind and its digest. */
    public record StoredKey(@JsonProperty("id") String id, @JsonProperty("workspace") String workspace,
            @JsonProperty("kind") String kind, @JsonProperty("sha256") String sha256,
            @JsonProperty("created") Instant created) {
        public KeyKind keyKind() {
            return KeyKind.valueOf(kind.toUpperCase(Locale.ROOT));
        }
    }

    private record Contents(@JsonProperty("keys") List<StoredKey> keys) {}

    /** The keys in the file; none when it does not exist. */
    public static List<StoredKey> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            Contents contents = JSON.readValue(file.toFile(), new TypeReference<Contents>() {});
            return contents.keys() == null ? List.of() : List.copyOf(contents.keys());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keys file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the file's contents at once (a new file moved over the old), readable only by its owner. */
    public static void write(Path file, List<StoredKey> keys) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".keys", ".json");
            Files.write(temporary, JSON.writeValueAsBytes(new Contents(keys)));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keys file " + file + ": " + e.getMessage(), e);
        }
    }
}

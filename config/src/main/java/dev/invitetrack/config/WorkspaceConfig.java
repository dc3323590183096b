package dev.invitetrack.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * One workspace (one customer app) and the keys that may write its events or read its aggregates.
 * A key is given either in plain text or as {@code sha256:<64 hex digits>} of the key, so that
 * production files need not hold the secret itself.
 */
public class WorkspaceConfig {
    @NotNull
    @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be 1-64 characters of a-z, 0-9, '_' or '-'")
    private String id;

    @NotNull
    private List<@NotNull @Pattern(regexp = KEY_PATTERN, message = KEY_MESSAGE) String> writeKeys = new ArrayList<>();

    @NotNull
    private List<@NotNull @Pattern(regexp = KEY_PATTERN, message = KEY_MESSAGE) String> readKeys = new ArrayList<>();

    /** Absent: no limit (the demo workspace). */
    @Valid
    private RateLimitConfig rateLimit;

    /**
     * The web pages whose scripts may send this workspace's events from a browser (CORS): {@code *}, any (the
     * default: write keys only write), or origins, {@code https://app.example.com} or {@code https://*.example.com}
     * (its subdomains). Empty: no web page. Requests without an {@code Origin} header (servers, apps) and pages of
     * this server's own origin are not concerned.
     */
    @NotNull
    private List<@NotNull @Pattern(regexp = ORIGIN_PATTERN, message = ORIGIN_MESSAGE) String> allowedOrigins =
            new ArrayList<>(List.of(ANY_ORIGIN));

    static final String KEY_PATTERN = "sha256:[0-9a-f]{64}|[\\x21-\\x7e]{12,256}";
    static final String KEY_MESSAGE = "must be 12-256 printable characters, or sha256:<64 lowercase hex digits>";
    static final String ANY_ORIGIN = "*";
    static final String ORIGIN_PATTERN = "\\*|null|[A-Za-z][A-Za-z0-9+.-]*://"
            + "((\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?";
    static final String ORIGIN_MESSAGE = "must be *, or an origin: scheme://host[:port] with no path or trailing"
            + " slash, such as https://app.example.com, or https://*.example.com for its subdomains";

    public WorkspaceConfig() {}

    public WorkspaceConfig(String id, List<String> writeKeys, List<String> readKeys) {
        this.id = id;
        this.writeKeys = new ArrayList<>(writeKeys);
        this.readKeys = new ArrayList<>(readKeys);
    }

    @JsonProperty
    public String getId() {
        return id;
    }

    @JsonProperty
    public void setId(String id) {
        this.id = id;
    }

    @JsonProperty
    public List<String> getWriteKeys() {
        return writeKeys;
    }

    @JsonProperty
    public void setWriteKeys(List<String> writeKeys) {
        this.writeKeys = writeKeys;
    }

    @JsonProperty
    public List<String> getReadKeys() {
        return readKeys;
    }

    @JsonProperty
    public void setReadKeys(List<String> readKeys) {
        this.readKeys = readKeys;
    }

    @JsonProperty
    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    @JsonProperty
    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    @JsonProperty
    public RateLimitConfig getRateLimit() {
        return rateLimit;
    }

    @JsonProperty
    public void setRateLimit(RateLimitConfig rateLimit) {
        this.rateLimit = rateLimit;
    }
}

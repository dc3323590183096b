package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/invites/by-role}: invites without a role are one explicit group with {@code "role": null}. */
public record RoleBreakdown(@JsonProperty("range") RangeView range, @JsonProperty("roles") List<Row> roles) {
    public RoleBreakdown {
        roles = List.copyOf(roles);
    }

    public record Row(
            @JsonProperty("role") @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String role,
            @JsonProperty("invites") long invites,
            @JsonProperty("inviters") long inviters,
            @JsonProperty("accepted") long accepted,
            @JsonProperty("acceptance_rate") @Nullable Double acceptanceRate) {}
}

package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/invites/by-user}: the top inviters in the range. */
public record TopInviters(
        @JsonProperty("range") RangeView range,
        @JsonProperty("order") String order,
        @JsonProperty("limit") int limit,
        @JsonProperty("users") List<Row> users) {
    public TopInviters {
        users = List.copyOf(users);
    }

    public record Row(
            @JsonProperty("user_id") String userId,
            @JsonProperty("invites") long invites,
            @JsonProperty("invitees") long invitees,
            @JsonProperty("accepted") long accepted,
            @JsonProperty("acceptance_rate") @Nullable Double acceptanceRate) {}
}

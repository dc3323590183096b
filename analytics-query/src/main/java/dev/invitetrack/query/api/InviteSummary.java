package dev.invitetrack.query.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/invites/summary}. Ratios are null when their denominator is zero. */
public record InviteSummary(
        @JsonProperty("range") RangeView range,
        @JsonProperty("invites_sent") long invitesSent,
        @JsonProperty("unique_inviters") long uniqueInviters,
        @JsonProperty("unique_invitees") long uniqueInvitees,
        @JsonProperty("invites_accepted") long invitesAccepted,
        @JsonProperty("acceptance_rate") @Nullable Double acceptanceRate,
        @JsonProperty("invites_per_inviter") @Nullable Double invitesPerInviter,
        @JsonProperty("k_factor") @Nullable Double kFactor,
        @JsonProperty("median_time_to_accept_seconds") @Nullable Double medianTimeToAcceptSeconds) {}

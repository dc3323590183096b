package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Outcome of {@link EventParser#parse}: an accepted event (perhaps with warnings) or every reason to reject it. */
public sealed interface ParseResult permits ParseResult.Accepted, ParseResult.Rejected {

    /**
     * The event is valid.
     *
     * @param event the validated event
     * @param warnings what the client should know about how values were read or replaced; copied, may be empty
     */
    record Accepted(Event event, List<Warning> warnings) implements ParseResult {
        public Accepted {
            requireNonNull(event, "event is null");
            warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        }
    }

    /**
     * The event is invalid.
     *
     * @param errors every problem found, each with its field path; copied, never empty
     * @throws IllegalArgumentException if {@code errors} is empty
     */
    record Rejected(List<FieldError> errors) implements ParseResult {
        public Rejected {
            errors = List.copyOf(requireNonNull(errors, "errors is null"));
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("errors is empty; a rejection needs a reason");
            }
        }
    }
}

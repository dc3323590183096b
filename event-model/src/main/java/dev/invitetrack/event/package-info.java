/**
 * Invite-analytics events: the typed model ({@link dev.invitetrack.event.Event} and its records),
 * the validating parser ({@link dev.invitetrack.event.EventParser}) that turns one JSON event object
 * into an accepted event or a list of field errors, and the small value helpers it is built from
 * (event names, e-mail addresses, timestamps, derived message ids, limits).
 *
 * <p>Everything here is non-null unless marked {@code @Nullable}. Nothing in this package knows about
 * HTTP or SQL.
 */
@NullMarked
package dev.invitetrack.event;

import org.jspecify.annotations.NullMarked;

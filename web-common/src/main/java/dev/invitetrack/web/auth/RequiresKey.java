package dev.invitetrack.web.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method (or class) as needing a key of the given kind. The workspace is then
 * available as the request's {@link jakarta.ws.rs.core.SecurityContext#getUserPrincipal()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresKey {
    KeyKind value();
}

package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

/** Puts an {@link ApiKeyFilter} in front of every resource method marked {@link RequiresKey}. */
public final class ApiKeyFeature implements DynamicFeature {
    private final KeyAuthenticator keys;

    public ApiKeyFeature(KeyRing keyRing) {
        this.keys = new KeyAuthenticator(requireNonNull(keyRing, "keyRing is null"));
    }

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        RequiresKey annotation = resourceInfo.getResourceMethod().getAnnotation(RequiresKey.class);
        if (annotation == null) {
            annotation = resourceInfo.getResourceClass().getAnnotation(RequiresKey.class);
        }
        if (annotation != null) {
            context.register(new ApiKeyFilter(keys, annotation.value()),
                    Priorities.AUTHENTICATION);
        }
    }
}

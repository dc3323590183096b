package dev.invitetrack.web;

import static java.util.Objects.requireNonNull;

import dev.invitetrack.web.auth.ApiKeyFeature;
import dev.invitetrack.web.auth.KeyRing;
import dev.invitetrack.web.resources.ApiExceptionMapper;
import dev.invitetrack.web.resources.UnexpectedExceptionMapper;
import dev.invitetrack.web.resources.WebApplicationExceptionMapper;
import io.dropwizard.core.setup.Environment;

/** What every API module shares, registered once per environment. */
public final class WebApi {
    private WebApi() {}

    /** Key authentication and the JSON error shape for every failure. Call once per environment. */
    public static void registerCommon(Environment environment, KeyRing keyRing) {
        requireNonNull(keyRing, "keyRing is null");
        environment.jersey().register(new ApiKeyFeature(keyRing));
        environment.jersey().register(new ApiExceptionMapper());
        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new UnexpectedExceptionMapper());
    }
}

package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The web pages (origins, as a browser's {@code Origin} header names them) whose scripts may send a workspace's
 * events: any, or a set of exact origins ({@code https://app.example.com}) and of wildcard ones
 * ({@code https://*.example.com}: every subdomain, at any depth, but not {@code example.com} itself). Compared
 * without regard to case; a default port written out ({@code https://a.example:443}) is dropped, as browsers drop
 * it. A check allocates nothing for an origin in lower case. Immutable and thread-safe.
 *
 * @param any every origin is allowed
 * @param exact allowed origins, in lower case
 * @param wildcards allowed subdomain patterns
 */
public record AllowedOrigins(boolean any, Set<String> exact, List<Wildcard> wildcards) {
    /** Every origin: the default, since write keys only write. */
    public static final AllowedOrigins ANY = new AllowedOrigins(true, Set.of(), List.of());
    /** No web page at all. */
    public static final AllowedOrigins NONE = new AllowedOrigins(false, Set.of(), List.of());

    /**
     * {@code https://*.example.com:8443} as its two fixed ends, {@code https://} and {@code .example.com:8443}.
     */
    public record Wildcard(String scheme, String suffix) {
        public Wildcard {
            requireNonNull(scheme, "scheme is null");
            requireNonNull(suffix, "suffix is null");
        }

        boolean matches(String origin) {
            int middle = origin.length() - scheme.length() - suffix.length();
            if (middle <= 0 || !origin.startsWith(scheme) || !origin.endsWith(suffix)) {
                return false;
            }
            // The wildcard stands for host labels only: "https://evil.com/.example.com" is no subdomain.
            for (int i = scheme.length(); i < scheme.length() + middle; i++) {
                char c = origin.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }
    }

    public AllowedOrigins {
        exact = Set.copyOf(requireNonNull(exact, "exact is null"));
        wildcards = List.copyOf(requireNonNull(wildcards, "wildcards is null"));
    }

    /**
     * Reads a workspace's {@code allowedOrigins}: {@code *} (any), {@code null} (sandboxed frames and local files),
     * {@code scheme://host[:port]} or {@code scheme://*.domain[:port]}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static AllowedOrigins of(Collection<String> configured) {
        Set<String> exact = new HashSet<>();
        List<Wildcard> wildcards = new ArrayList<>();
        for (String entry : configured) {
            String origin = withoutDefaultPort(entry.trim().toLowerCase(Locale.ROOT));
            if (origin.equals("*")) {
                return ANY;
            }
            int schemeEnd = origin.indexOf("://");
            if (origin.equals("null")) {
                exact.add(origin);
            } else if (schemeEnd <= 0 || origin.indexOf('/', schemeEnd + 3) >= 0) {
                throw new IllegalArgumentException("not an origin (scheme://host[:port], no path): '" + entry + "'");
            } else if (origin.startsWith("*.", schemeEnd + 3)) {
                wildcards.add(new Wildcard(origin.substring(0, schemeEnd + 3), origin.substring(schemeEnd + 4)));
            } else {
                exact.add(origin);
            }
        }
        return new AllowedOrigins(false, exact, wildcards);
    }

    /** Whether a page of this origin (an {@code Origin} header's value) may send. */
    public boolean allows(String origin) {
        if (any) {
            return true;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        if (exact.contains(lower)) {
            return true;
        }
        for (Wildcard wildcard : wildcards) {
            if (wildcard.matches(lower)) {
                return true;
            }
        }
        return false;
    }

    /** The origins either allows. */
    public AllowedOrigins or(AllowedOrigins other) {
        if (any || other.any) {
            return ANY;
        }
        Set<String> bothExact = new HashSet<>(exact);
        bothExact.addAll(other.exact);
        List<Wildcard> bothWildcards = new ArrayList<>(wildcards);
        bothWildcards.addAll(other.wildcards);
        return new AllowedOrigins(false, bothExact, bothWildcards);
    }

    private static String withoutDefaultPort(String origin) {
        if (origin.startsWith("https://") && origin.endsWith(":443")) {
            return origin.substring(0, origin.length() - 4);
        }
        if (origin.startsWith("http://") && origin.endsWith(":80")) {
            return origin.substring(0, origin.length() - 3);
        }
        return origin;
    }
}

package dev.invitetrack.event;

import static java.util.Objects.requireNonNull;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Validation and normalization of invitee e-mail addresses, as a real user expects them rather than
 * everything RFC 5322 allows. Stateless and thread-safe.
 *
 * <p>Accepted: {@code local@domain} where the local part is 1-64 characters of letters and digits (any
 * script), {@code . _ - + '} and the other RFC 5322 "atext" symbols ({@code ! # $ % & * / = ? ^ ` { | } ~}),
 * with no leading, trailing or doubled dot; and the domain is an internationalized host name of at least
 * two labels, each 1-63 letters, digits or hyphens (after IDNA conversion) not starting or ending with a
 * hyphen, whose last label is not all digits.
 *
 * <p>Rejected: anything else, in particular quoted local parts, IP-literal domains, whitespace or control
 * characters anywhere, a second {@code @}, a trailing dot ({@code a@example.com.}), single-label domains
 * ({@code a@localhost}) and addresses longer than {@link EventLimits#MAX_EMAIL_LENGTH} once normalized.
 */
public final class EmailAddresses {
    private static final int MAX_LOCAL_PART_LENGTH = 64;
    private static final int MAX_DOMAIN_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;
    private static final String ATEXT_SYMBOLS = "!#$%&'*+-/=?^_`{|}~";

    private EmailAddresses() {}

    /**
     * Returns the normalized address, or empty if {@code raw} is not a valid address.
     *
     * <p>Normalized: trimmed, Unicode NFC, local part lower-cased ({@link Locale#ROOT}), domain converted
     * to ASCII with {@link IDN#toASCII} (so {@code josé@exämple.de} becomes {@code josé@xn--exmple-cua.de})
     * and lower-cased. Normalizing a normalized address returns it unchanged.
     *
     * @throws NullPointerException if {@code raw} is null
     */
    public static Optional<String> normalize(String raw) {
        requireNonNull(raw, "raw is null");
        if (raw.length() > 4 * EventLimits.MAX_EMAIL_LENGTH) {
            return Optional.empty();
        }
        String address = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        int at = address.indexOf('@');
        if (at < 0 || address.indexOf('@', at + 1) >= 0) {
            return Optional.empty();
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (!isValidLocalPart(local)) {
            return Optional.empty();
        }
        Optional<String> asciiDomain = toAsciiDomain(domain);
        if (asciiDomain.isEmpty()) {
            return Optional.empty();
        }
        String normalized = local.toLowerCase(Locale.ROOT) + "@" + asciiDomain.get();
        if (normalized.codePointCount(0, normalized.length()) > EventLimits.MAX_EMAIL_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(normalized);
    }

    private static boolean isValidLocalPart(String local) {
        int length = local.codePointCount(0, local.length());
        if (length == 0 || length > MAX_LOCAL_PART_LENGTH) {
            return false;
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        // Loops rather than streams here and below: this runs twice for every invite (parse, then the invariant).
        for (int i = 0; i < local.length(); ) {
            int c = local.codePointAt(i);
            if (!isLocalPartCodePoint(c)) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    private static boolean isLocalPartCodePoint(int c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || ATEXT_SYMBOLS.indexOf(c) >= 0;
        }
        // Internationalized local parts (RFC 6531): letters, digits and combining marks of any script;
        // no symbols, spaces, format or control characters.
        int type = Character.getType(c);
        return Character.isLetterOrDigit(c)
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static Optional<String> toAsciiDomain(String domain) {
        if (domain.isEmpty() || domain.startsWith("[")) {
            return Optional.empty();
        }
        // Reject whitespace and controls before IDNA, which would otherwise map or drop some of them.
        for (int i = 0; i < domain.length(); ) {
            int c = domain.codePointAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSpaceChar(c)) {
                return Optional.empty();
            }
            i += Character.charCount(c);
        }
        String ascii;
        if (isPlainAscii(domain)) {
            // IDNA leaves an ASCII domain as it is but for its STD3 checks, which the label checks below repeat;
            // skipping it halves the cost of validating an invite (almost every domain is plain ASCII).
            ascii = domain.toLowerCase(Locale.ROOT);
        } else {
            try {
                ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (ascii.length() > MAX_DOMAIN_LENGTH) {
            return Optional.empty();
        }
        int labels = 0;
        int start = 0;
        boolean lastLabelAllDigits = false;
        while (true) {
            int dot = ascii.indexOf('.', start);
            int end = dot < 0 ? ascii.length() : dot;
            if (!isValidAsciiLabel(ascii, start, end)) {
                return Optional.empty();
            }
            labels++;
            if (dot < 0) {
                lastLabelAllDigits = allDigits(ascii, start, end);
                break;
            }
            start = dot + 1;
        }
        if (labels < 2 || lastLabelAllDigits) {
            return Optional.empty();
        }
        return Optional.of(ascii);
    }

    private static boolean isPlainAscii(String domain) {
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code domain[start, end)} is 1-63 lower-case letters, digits or inner hyphens. */
    private static boolean isValidAsciiLabel(String domain, int start, int end) {
        int length = end - start;
        if (length == 0 || length > MAX_LABEL_LENGTH) {
            return false;
        }
        if (domain.charAt(start) == '-' || domain.charAt(end - 1) == '-') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = domain.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}

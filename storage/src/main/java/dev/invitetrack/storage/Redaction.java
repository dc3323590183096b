package dev.invitetrack.storage;

import java.util.regex.Pattern;

/**
 * Makes a database's error message safe to log and show: drivers quote the values involved ("Value too long
 * for column ...: 'a@example.com'", JDBI's "arguments:{...}"), which may be emails or user ids. Every quoted
 * literal and every argument list is replaced by an ellipsis; what went wrong stays readable.
 */
public final class Redaction {
    private static final Pattern QUOTED = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern ARGUMENTS = Pattern.compile("arguments:\\{.*}", Pattern.DOTALL);
    private static final int MAX_LENGTH = 500;

    private Redaction() {}

    public static String of(String message) {
        if (message == null) {
            return "";
        }
        String redacted = QUOTED.matcher(message).replaceAll("'…'");
        redacted = ARGUMENTS.matcher(redacted).replaceAll("arguments:{…}");
        return redacted.length() <= MAX_LENGTH ? redacted : redacted.substring(0, MAX_LENGTH) + "…";
    }
}

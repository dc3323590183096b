package dev.invitetrack.web.auth;

/** What a key may do. A write key sends events; a read key reads aggregates. Neither does the other. */
public enum KeyKind {
    WRITE("write"),
    READ("read");

    private final String label;

    KeyKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

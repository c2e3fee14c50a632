package dev.herald.senders;

/** Test helper: an outcome without what the attempt log keeps of the receiver's answer, to compare outcomes by kind and status. */
final class Outcomes {
    private Outcomes() {}

    static SendOutcome plain(SendOutcome o) {
        return o instanceof SendOutcome.Delivered d ? new SendOutcome.Delivered(d.status()) : o;
    }
}

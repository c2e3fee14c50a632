package dev.herald.bench.burst;

import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.bench.latency.Receivers;
import dev.herald.infra.Database;
import dev.herald.testing.WebhookReceiver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The burst's data: the organization's webhook contacts, each on its own local receiver verifying every signature with
 * the contact's secret and counting each webhook-id (a {@link WebhookReceiver} in this JVM, or, with
 * {@code receiversInOwnProcess}, one of {@link Receivers} in a child JVM, so that this JVM's CPU is Herald's), and the open incidents whose change notifies
 * every contact: {@code incidents x contacts} messages (7,617 = 2,539 x 3 on the large profile). Earlier bench
 * contacts of the organization are disabled first, so the fan-out reaches exactly these. Close it to stop the receivers.
 */
public final class BurstFixture implements AutoCloseable {
    /** One contact and its receiver (null when the receivers run in their own process). */
    record Endpoint(ContactTarget contact, WebhookReceiver receiver) {}

    /** The counts of the receivers in their own process, from their receipts. Thread-safe. */
    private static final class Tally {
        final java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong invalid = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong bodyBytes = new java.util.concurrent.atomic.AtomicLong();

        void add(Receivers.Receipt r) {
            requests.incrementAndGet();
            bodyBytes.addAndGet(r.bodyChars());
            if (!r.valid()) {
                invalid.incrementAndGet();
                return;
            }
            accepted.incrementAndGet();
            ids.add(r.webhookId());
        }
    }

    private final Receivers external;
    private final Tally tally = new Tally();

    private static final String DISABLE_OLD = """
            UPDATE contacts SET disabled_at = now(), disabled_reason = 'replaced by a newer bench run'
            WHERE organization_id = ? AND disabled_at IS NULL""";
    private static final String INSERT_CONTACT = """
            INSERT INTO contacts (id, organization_id, channel, target, secret) VALUES (?, ?, 'webhook', ?, ?)""";
    private static final String OPEN_INCIDENTS = """
            SELECT id FROM incidents WHERE organization_id = ? AND status = 'open' AND deleted_at IS NULL ORDER BY id LIMIT ?""";

    final UUID organizationId;
    final List<Endpoint> endpoints = new ArrayList<>();
    final List<UUID> incidents;
    /** Other open incidents of the organization, for an unmeasured warm-up burst before the measured one. */
    final List<UUID> warmUp;

    BurstFixture(Database db, UUID organizationId, int contacts, int incidentCount, int warmUpCount) {
        this(db, organizationId, contacts, incidentCount, warmUpCount, false);
    }

    BurstFixture(Database db, UUID organizationId, int contacts, int incidentCount, int warmUpCount, boolean receiversInOwnProcess) {
        this.organizationId = organizationId;
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < contacts; i++) secrets.add(WebhookSecrets.generate());
        if (receiversInOwnProcess) {
            try {
                external = new Receivers(secrets, tally::add);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot start the receiver process", e);
            }
        } else {
            external = null;
        }
        for (int i = 0; i < contacts; i++) {
            String secret = secrets.get(i);
            WebhookReceiver r = external == null ? WebhookReceiver.start(secret) : null;
            String url = r != null ? r.url() : external.urls().get(i);
            endpoints.add(new Endpoint(new ContactTarget(UUID.randomUUID(), organizationId, Channel.WEBHOOK, url, secret, null), r));
        }
        replaceContacts(db, organizationId, endpoints.stream().map(Endpoint::contact).toList());
        List<UUID> found = openIncidents(db, organizationId, incidentCount + warmUpCount);
        List<UUID> all = found;
        if (all.size() < incidentCount + warmUpCount) {
            throw new IllegalStateException("the organization has only " + all.size() + " open incidents, the burst needs "
                    + incidentCount + " (+" + warmUpCount + " to warm up)");
        }
        this.incidents = List.copyOf(all.subList(0, incidentCount));
        this.warmUp = List.copyOf(all.subList(incidentCount, incidentCount + warmUpCount));
    }

    /**
     * Disables the organization's live contacts and adds {@code contacts} (webhooks: id, target, secret) in one
     * transaction, so a bench's fan-out reaches exactly these.
     */
    public static void replaceContacts(Database db, UUID organizationId, List<ContactTarget> contacts) {
        db.write("BurstBench.CONTACTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(DISABLE_OLD)) {
                ps.setObject(1, organizationId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_CONTACT)) {
                for (ContactTarget t : contacts) {
                    ps.setObject(1, t.id());
                    ps.setObject(2, organizationId);
                    ps.setString(3, t.target());
                    ps.setString(4, t.secret());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Up to {@code limit} open incidents of the organization, by id. */
    public static List<UUID> openIncidents(Database db, UUID organizationId, int limit) {
        return db.read("BurstBench.OPEN_INCIDENTS", c -> {
            try (PreparedStatement ps = c.prepareStatement(OPEN_INCIDENTS)) {
                ps.setObject(1, organizationId);
                ps.setInt(2, limit);
                List<UUID> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getObject(1, UUID.class));
                }
                return out;
            }
        });
    }

    int messages() { return incidents.size() * endpoints.size(); }

    long accepted() {
        return external != null ? tally.accepted.get() : endpoints.stream().mapToLong(e -> e.receiver().accepted()).sum();
    }

    /** Average request body size at the receivers, bytes (characters when the receivers run in their own process). */
    long averageBodyBytes() {
        long n = external != null ? tally.requests.get() : endpoints.stream().mapToLong(e -> e.receiver().requests()).sum();
        long bytes = external != null ? tally.bodyBytes.get() : endpoints.stream().mapToLong(e -> e.receiver().bodyBytes()).sum();
        return n == 0 ? 0 : bytes / n;
    }

    long distinctAccepted() {
        return external != null ? tally.ids.size() : endpoints.stream().mapToLong(e -> e.receiver().distinctAccepted()).sum();
    }

    long duplicates() {
        return external != null ? tally.accepted.get() - tally.ids.size() : endpoints.stream().mapToLong(e -> e.receiver().duplicates()).sum();
    }

    long invalidSignatures() {
        return external != null ? tally.invalid.get() : endpoints.stream().mapToLong(e -> e.receiver().invalidSignatures()).sum();
    }

    /** The receivers' process id when they run in their own process, else -1. */
    long receiverPid() { return external == null ? -1 : external.pid(); }

    /**
     * The old design's sample: whole incidents (every contact's message of each), spread evenly over the burst, in the
     * burst's order. Whole incidents, because the messages of one incident share a context and arrive together, which is
     * what made the old consumers race to assemble the same data (the reference analysis: "all 75 independently call
     * get_incident() ... for the same data"); a sample of one message per incident would hide that.
     */
    List<OldDesignDrain.Message> sample(int size) {
        int perIncident = endpoints.size();
        int wanted = Math.max(1, Math.min(incidents.size(), size / perIncident));
        double step = incidents.size() / (double) wanted;
        List<OldDesignDrain.Message> out = new ArrayList<>();
        for (int k = 0; k < wanted; k++) {
            UUID incident = incidents.get((int) (k * step));
            for (Endpoint e : endpoints) {
                out.add(new OldDesignDrain.Message(UUID.nameUUIDFromBytes(("burst/" + incident + "/" + e.contact().id()).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)), organizationId, incident, incident.toString(), e.contact()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        endpoints.stream().filter(e -> e.receiver() != null).forEach(e -> e.receiver().close());
        if (external != null) external.close();
    }
}

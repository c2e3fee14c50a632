package dev.herald.bench.outage;

import dev.herald.Herald;
import dev.herald.bench.burst.BurstFixture;
import dev.herald.bench.burst.HeraldBurst;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.infra.Database;
import dev.herald.testing.FaultyReceiver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * The drill's receivers and incidents: nine webhook contacts of the organization, each on its own verifying
 * {@link FaultyReceiver}; during an outage the first three are down (connection refused), the fourth hangs (holds
 * requests past the request timeout, and drops them when it comes back, as a stuck receiver that is restarted does)
 * and the other five stay healthy. Earlier contacts of the organization are disabled first, so the fan-out reaches
 * exactly these. Close it to stop the receivers.
 */
final class OutageFixture implements AutoCloseable {
    static final int CONTACTS = 9;
    static final int DOWN = 3;
    static final int HANGING = 1;

    final UUID organizationId;
    final List<FaultyReceiver> receivers = new ArrayList<>();
    private final List<UUID> incidents;
    private int next;

    OutageFixture(Database db, UUID organizationId, int incidentsNeeded) throws IOException {
        // incidentsNeeded: one burst's worth at least (they are reused, round after round)
        this.organizationId = organizationId;
        List<ContactTarget> contacts = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            String secret = WebhookSecrets.generate();
            FaultyReceiver r = new FaultyReceiver(secret);
            receivers.add(r);
            contacts.add(new ContactTarget(UUID.randomUUID(), organizationId, Channel.WEBHOOK, r.url(), secret, null));
        }
        BurstFixture.replaceContacts(db, organizationId, contacts);
        incidents = BurstFixture.openIncidents(db, organizationId, incidentsNeeded);
        if (incidents.size() < incidentsNeeded) {
            throw new IllegalStateException("the organization has " + incidents.size() + " open incidents; the drill needs " + incidentsNeeded);
        }
    }

    /**
     * The next {@code n} distinct incidents, taking up where the previous burst stopped and wrapping around (a later change
     * of an incident whose earlier burst was delivered is a new notification; nothing of it is still queued to supersede).
     */
    List<UUID> nextIncidents(int n) {
        List<UUID> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(incidents.get((next + i) % incidents.size()));
        next = (next + n) % incidents.size();
        return out;
    }

    boolean healthy(int i) {
        return i >= DOWN + HANGING;
    }

    /**
     * Enqueues one burst and waits until every receiver has it. With {@code outage} not null, the faulty receivers are
     * down or hanging from before the burst until {@code outage} after its commit, then come back.
     */
    OutageBench.Round deliver(Herald herald, List<UUID> burst, Duration outage, int round, Duration timeout) throws Exception {
        List<Set<String>> before = new ArrayList<>();
        for (FaultyReceiver r : receivers) before.add(new HashSet<>(r.acceptedById.keySet()));
        if (outage != null) {
            for (int i = 0; i < DOWN; i++) receivers.get(i).down();
            receivers.get(DOWN).hang();
        }
        HeraldBurst.enqueue(herald, organizationId, burst);
        Instant committed = Instant.now();
        long deadline = System.nanoTime() + timeout.toNanos();
        Instant recovered = null;
        while (true) {
            if (outage != null && recovered == null && Instant.now().isAfter(committed.plus(outage))) {
                for (int i = 0; i < DOWN; i++) receivers.get(i).up();
                receivers.get(DOWN).dropHeld();
                recovered = Instant.now();
            }
            boolean all = true;
            for (int i = 0; i < CONTACTS; i++) all &= fresh(i, before).size() >= burst.size();
            if (all && (outage == null || recovered != null)) break;
            if (System.nanoTime() > deadline) {
                System.err.println("outage bench: not every message arrived within " + timeout.toSeconds() + " s");
                if (outage != null && recovered == null) {
                    for (int i = 0; i < DOWN; i++) receivers.get(i).up();
                    receivers.get(DOWN).dropHeld();
                }
                break;
            }
            Thread.sleep(20);
        }
        Histogram healthy = new Histogram(3_600_000_000L, 3);
        long committedMicros = micros(committed);
        long lastRecovered = recovered == null ? 0 : micros(recovered);
        long lastAny = committedMicros;
        long lost = 0;
        for (int i = 0; i < CONTACTS; i++) {
            Set<String> ids = fresh(i, before);
            lost += Math.max(0, burst.size() - ids.size());
            for (String id : ids) {
                long at = receivers.get(i).firstAcceptedMicros.get(id);
                lastAny = Math.max(lastAny, at);
                if (healthy(i)) healthy.recordValue(Math.max(0, at - committedMicros));
                else if (recovered != null) lastRecovered = Math.max(lastRecovered, at);
            }
        }
        double recoveredWithin = recovered == null ? 0 : (lastRecovered - micros(recovered)) / 1e6;
        return new OutageBench.Round(burst.size() * CONTACTS, lost, healthy.getValueAtPercentile(50) / 1000.0,
                healthy.getValueAtPercentile(99) / 1000.0, healthy.getMaxValue() / 1000.0, recoveredWithin,
                (lastAny - committedMicros) / 1e6);
    }

    private Set<String> fresh(int i, List<Set<String>> before) {
        Set<String> now = new HashSet<>(receivers.get(i).acceptedById.keySet());
        now.removeAll(before.get(i));
        return now;
    }

    long duplicates() {
        return receivers.stream().mapToLong(FaultyReceiver::duplicates).sum();
    }

    long invalidSignatures() {
        return receivers.stream().mapToLong(r -> r.invalidSignatures.get()).sum();
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    @Override
    public void close() {
        receivers.forEach(FaultyReceiver::close);
    }
}

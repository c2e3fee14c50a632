package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.contacts.WebhookSecrets;
import dev.herald.templates.RenderedMessage;
import dev.herald.testing.WebhookReceiver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The connection goes to an address that was checked: the JVM's resolver ({@link TargetResolverProvider}) drops
 * non-public answers for a host the sender checked, so a DNS answer that turns private after the check (rebinding)
 * is never connected to, while other hosts resolve as before. DNS answers come from the resolver's test hook.
 */
class TargetResolverTest {
    static final String SECRET = WebhookSecrets.generate();
    static final RenderedMessage MESSAGE = new RenderedMessage("{\"n\":1}", null, null, null);

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void aGuardedHostLosesItsNonPublicAnswersAndOthersKeepThem() throws Exception {
        String mixed = "mixed-" + UUID.randomUUID() + ".guard.test", priv = "private-" + UUID.randomUUID() + ".guard.test",
                free = "free-" + UUID.randomUUID() + ".guard.test";
        Map<String, List<InetAddress>> dns = Map.of(mixed, List.of(ip("10.0.0.5"), ip("93.184.216.34"), ip("2002:7f00:1::1")),
                priv, List.of(ip("127.0.0.1"), ip("64:ff9b::a9fe:a9fe")), free, List.of(ip("127.0.0.1")));
        InetAddressResolver fake = new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) { return dns.get(host).stream(); }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException { throw new UnknownHostException(); }
        };
        var guarded = new TargetResolverProvider.Guarded(host -> fake);
        TargetResolverProvider.guard(mixed);
        TargetResolverProvider.guard(priv.toUpperCase());
        var policy = InetAddressResolver.LookupPolicy.of(InetAddressResolver.LookupPolicy.IPV4 | InetAddressResolver.LookupPolicy.IPV6);
        assertThat(guarded.lookupByName(mixed, policy).map(InetAddress::getHostAddress)).containsExactly("93.184.216.34");
        assertThatThrownBy(() -> guarded.lookupByName(priv, policy)).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("non-public").hasMessageContaining("delivery.allow-private-targets");
        assertThat(guarded.lookupByName(free, policy).map(InetAddress::getHostAddress)).containsExactly("127.0.0.1");
    }

    @Test
    void aHostCheckedBeforeWhoseAnswerTurnsPrivateIsNeverConnectedTo() throws Exception {
        assertThat(TargetResolverProvider.installed()).as("the JVM's resolver is Herald's (META-INF/services)").isTrue();
        try (WebhookReceiver receiver = WebhookReceiver.start(SECRET)) {
            // Loopback receivers need the relaxed rule for the sender's own check; the guard is what is under test.
            WebhookSender sender = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of("delivery.allow-private-targets", "true"))));
            String rebound = "rebound-" + UUID.randomUUID() + ".rebind.test", plain = "plain-" + UUID.randomUUID() + ".rebind.test";
            TargetResolverProvider.answerForTests(rebound, ip("127.0.0.1"));
            TargetResolverProvider.answerForTests(plain, ip("127.0.0.1"));
            TargetResolverProvider.guard(rebound); // as a send's check does once it saw public addresses for the host

            SendOutcome refused = sender.send(contact("http://" + rebound + ":" + receiver.port() + "/hook"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(refused).isInstanceOf(SendOutcome.Retry.class);
            assertThat(receiver.requests()).as("never connected").isZero();

            SendOutcome delivered = sender.send(contact("http://" + plain + ":" + receiver.port() + "/hook"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(delivered).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(receiver.requests()).isEqualTo(1);
            assertThat(receiver.invalidSignatures()).isZero();

            // With the strict rule, a host answering a private address is refused at the check and never connected to.
            String fresh = "fresh-" + UUID.randomUUID() + ".rebind.test";
            TargetResolverProvider.answerForTests(fresh, ip("::ffff:127.0.0.1"));
            WebhookSender strict = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of())));
            SendOutcome checked = strict.send(contact("http://" + fresh + ":" + receiver.port() + "/hook"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(checked).isInstanceOf(SendOutcome.Failed.class);
            assertThat(((SendOutcome.Failed) checked).reason()).contains("non-public");
            assertThat(receiver.requests()).isEqualTo(1);

            // A host whose check passed is guarded from then on: its connection's lookups are checked too.
            String checkedPublic = "public-" + UUID.randomUUID() + ".rebind.test";
            TargetResolverProvider.answerForTests(checkedPublic, ip("192.0.2.1")); // TEST-NET-1: public by the rule, unroutable
            WebhookSender quick = new WebhookSender(WebhookSettings.from(HeraldConfig.defaults(Map.of(
                    "delivery.webhook.connect-timeout", "100ms", "delivery.webhook.request-timeout", "100ms"))));
            assertThat(TargetResolverProvider.guarded(checkedPublic)).isFalse();
            quick.send(contact("http://" + checkedPublic + ":9/hook"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(TargetResolverProvider.guarded(checkedPublic)).isTrue();
        }
    }

    static ContactTarget contact(String url) {
        return new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.WEBHOOK, url, SECRET, null);
    }
}

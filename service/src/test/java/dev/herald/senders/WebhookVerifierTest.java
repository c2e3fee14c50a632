package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.contacts.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
    private static final String SECRET = WebhookSecrets.generate();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final WebhookVerifier verifier = new WebhookVerifier(SECRET, clock, WebhookVerifier.DEFAULT_TOLERANCE);

    @Test
    void signatureRoundTrips() throws Exception {
        long ts = NOW.getEpochSecond();
        String sig = WebhookVerifier.sign(SECRET, "msg_1", ts, "{\"a\":1}");
        assertThat(sig).startsWith("v1,");
        verifier.verify("msg_1", Long.toString(ts), sig, "{\"a\":1}");
    }

    @Test
    void matchesTheStandardWebhooksReferenceVector() throws Exception {
        // The test vector of the Standard Webhooks specification's reference libraries.
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String body = "{\"test\": 2432232314}";
        String expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assertThat(WebhookVerifier.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body)).isEqualTo(expected);
    }

    @Test
    void tamperingWithAnyPartIsDetected() {
        long ts = NOW.getEpochSecond();
        String body = "{\"incident\":\"x\"}";
        String sig = WebhookVerifier.sign(SECRET, "id-1", ts, body);
        assertThat(verifier.isValid("id-1", Long.toString(ts), sig, body)).isTrue();
        assertThat(verifier.isValid("id-1", Long.toString(ts), sig, body + " ")).isFalse();
        assertThat(verifier.isValid("id-2", Long.toString(ts), sig, body)).isFalse();
        assertThat(verifier.isValid("id-1", Long.toString(ts - 1), sig, body)).isFalse();
        assertThat(verifier.isValid("id-1", Long.toString(ts), WebhookVerifier.sign(WebhookSecrets.generate(), "id-1", ts, body), body)).isFalse();
        assertThat(verifier.isValid("id-1", Long.toString(ts), "v1,notbase64!!", body)).isFalse();
        assertThat(verifier.isValid("id-1", Long.toString(ts), "v2," + sig.substring(3), body)).isFalse();
        assertThat(verifier.isValid("id-1", Long.toString(ts), null, body)).isFalse();
    }

    @Test
    void acceptsAnyOfSeveralSignatures() {
        long ts = NOW.getEpochSecond();
        String good = WebhookVerifier.sign(SECRET, "id", ts, "{}");
        String other = WebhookVerifier.sign(WebhookSecrets.generate(), "id", ts, "{}");
        assertThat(verifier.isValid("id", Long.toString(ts), other + " " + good, "{}")).isTrue();
    }

    @Test
    void timestampsBeyondFiveMinutesEitherWayAreRejected() {
        String body = "{}";
        for (long offset : new long[] {-300, 0, 300}) {
            long ts = NOW.getEpochSecond() + offset;
            assertThat(verifier.isValid("id", Long.toString(ts), WebhookVerifier.sign(SECRET, "id", ts, body), body)).as("offset %d", offset).isTrue();
        }
        for (long offset : new long[] {-301, 301, -86_400}) {
            long ts = NOW.getEpochSecond() + offset;
            assertThatThrownBy(() -> verifier.verify("id", Long.toString(ts), WebhookVerifier.sign(SECRET, "id", ts, body), body))
                    .isInstanceOf(WebhookVerifier.VerificationException.class).hasMessageContaining("tolerance");
        }
        clock.advance(Duration.ofMinutes(6));
        long old = NOW.getEpochSecond();
        assertThat(verifier.isValid("id", Long.toString(old), WebhookVerifier.sign(SECRET, "id", old, body), body)).isFalse();
        assertThat(verifier.isValid("id", "yesterday", WebhookVerifier.sign(SECRET, "id", old, body), body)).isFalse();
    }

    @Test
    void malformedSecretsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> WebhookSecrets.key("whsec_%%%")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("%%%");
        assertThatThrownBy(() -> WebhookSecrets.key("sk_abc")).hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSecrets.key("whsec_YWJj")).hasMessageContaining("bytes");
        assertThat(WebhookSecrets.key(WebhookSecrets.generate())).hasSize(32);
    }
}

package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.herald.config.HeraldConfig;
import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.templates.RenderedMessage;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The email channel against GreenMail and a scripted SMTP server, both real SMTP on loopback. */
class EmailSenderTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("herald", "p4ss"));

    static final RenderedMessage MESSAGE = new RenderedMessage(null, "Power outage\r\nBcc: evil@example.com",
            "Incident: power outage at Main St", "<p>Incident: <b>power outage</b> at Main St</p>");

    static EmailSender sender(int port, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("delivery.smtp.host", "127.0.0.1", "delivery.smtp.port", Integer.toString(port),
                "delivery.smtp.from", "Herald <alerts@herald.test>", "delivery.smtp.timeout", "500ms", "delivery.smtp.connect-timeout", "500ms"));
        m.putAll(extra);
        return new EmailSender(SmtpSettings.from(HeraldConfig.defaults(m)));
    }

    static ContactTarget contact(String address) {
        return new ContactTarget(UUID.randomUUID(), UUID.randomUUID(), Channel.EMAIL, address, null, null);
    }

    @Test
    void textAndHtmlPartsArriveWithAStableMessageId() throws Exception {
        EmailSender s = sender(greenMail.getSmtp().getPort(), Map.of("delivery.smtp.user", "herald", "delivery.smtp.password", "p4ss"));
        UUID delivery = UUID.randomUUID();
        assertThat(Outcomes.plain(s.send(contact("ops@example.com"), delivery, 1, MESSAGE))).isEqualTo(new SendOutcome.Delivered(250));

        MimeMessage[] got = greenMail.getReceivedMessages();
        assertThat(got).hasSize(1);
        MimeMessage m = got[0];
        assertThat(m.getSubject()).isEqualTo("Power outage Bcc: evil@example.com"); // no header injection
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getMessageID()).isEqualTo("<" + delivery + "@herald.test>");
        assertThat(m.getFrom()[0].toString()).contains("alerts@herald.test");
        MimeMultipart alt = (MimeMultipart) m.getContent();
        assertThat(alt.getContentType()).startsWith("multipart/alternative");
        assertThat(alt.getCount()).isEqualTo(2);
        assertThat(alt.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alt.getBodyPart(0).getContent().toString()).contains("power outage at Main St");
        assertThat(alt.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(alt.getBodyPart(1).getContent().toString()).contains("<b>power outage</b>");
    }

    @Test
    void wrongSmtpPasswordIsRetriedNotFailed() {
        EmailSender s = sender(greenMail.getSmtp().getPort(), Map.of("delivery.smtp.user", "herald", "delivery.smtp.password", "nope"));
        SendOutcome out = s.send(contact("ops@example.com"), UUID.randomUUID(), 1, MESSAGE);
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.reason()).contains("authentication").doesNotContain("nope"));
    }

    @Test
    void permanentRecipientRejectionFails() throws Exception {
        try (var smtp = ScriptedSmtpServer.failing("RCPT", "550 5.1.1 no such user")) {
            SendOutcome out = sender(smtp.port(), Map.of()).send(contact("gone@example.com"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(out).isInstanceOfSatisfying(SendOutcome.Failed.class, f -> assertThat(f.reason()).contains("550"));
        }
    }

    @Test
    void permanentRejectionOfTheMessageFails() throws Exception {
        try (var smtp = ScriptedSmtpServer.failing("DATA-END", "554 5.7.1 message refused")) {
            SendOutcome out = sender(smtp.port(), Map.of()).send(contact("ops@example.com"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(out).isInstanceOfSatisfying(SendOutcome.Failed.class, f -> assertThat(f.reason()).contains("554"));
        }
    }

    @Test
    void transientRejectionsAreRetried() throws Exception {
        try (var smtp = ScriptedSmtpServer.failing("RCPT", "451 4.3.0 try later")) {
            SendOutcome out = sender(smtp.port(), Map.of()).send(contact("ops@example.com"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(out).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.reason()).contains("451"));
        }
        try (var smtp = ScriptedSmtpServer.failing("DATA-END", "452 4.3.1 insufficient storage")) {
            SendOutcome out = sender(smtp.port(), Map.of()).send(contact("ops@example.com"), UUID.randomUUID(), 1, MESSAGE);
            assertThat(out).isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.reason()).contains("452"));
        }
    }

    @Test
    void unreachableOrSilentServersAreRetried() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(sender(closed, Map.of()).send(contact("ops@example.com"), UUID.randomUUID(), 1, MESSAGE))
                .isInstanceOfSatisfying(SendOutcome.Retry.class, r -> assertThat(r.reason()).contains("connect"));
        try (var smtp = ScriptedSmtpServer.hanging()) {
            assertThat(sender(smtp.port(), Map.of()).send(contact("ops@example.com"), UUID.randomUUID(), 1, MESSAGE))
                    .isInstanceOf(SendOutcome.Retry.class);
        }
    }

    @Test
    void malformedAddressOrMissingPartsFailWithoutSending() {
        EmailSender s = sender(greenMail.getSmtp().getPort(), Map.of());
        assertThat(s.send(contact("not an address"), UUID.randomUUID(), 1, MESSAGE)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(s.send(contact("ops@example.com"), UUID.randomUUID(), 1, new RenderedMessage("{}", null, null, null)))
                .isInstanceOf(SendOutcome.Failed.class);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}

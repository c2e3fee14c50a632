package dev.herald.senders;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.herald.contacts.ContactTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kept-alive SMTP sessions against GreenMail and a server that drops connections: real SMTP on loopback. */
class SmtpSessionPoolTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Test
    void pooledSessionsDeliverEveryMessageOverOneConnection() throws Exception {
        EmailSender s = EmailSenderTest.sender(greenMail.getSmtp().getPort(), Map.of("delivery.smtp.pool-size", "2"));
        for (int i = 0; i < 10; i++) {
            assertThat(Outcomes.plain(s.send(EmailSenderTest.contact("ops" + i + "@example.com"), UUID.randomUUID(), 1, EmailSenderTest.MESSAGE)))
                    .isEqualTo(new SendOutcome.Delivered(250));
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(10);
        assertThat(s.pool().connects()).isEqualTo(1); // one after the other: the same session every time
        assertThat(s.pool().idleSessions()).isEqualTo(1);
    }

    @Test
    void withoutAPoolEveryMessageConnects() {
        EmailSender s = EmailSenderTest.sender(greenMail.getSmtp().getPort(), Map.of("delivery.smtp.pool-size", "0"));
        for (int i = 0; i < 3; i++) s.send(EmailSenderTest.contact("ops@example.com"), UUID.randomUUID(), 1, EmailSenderTest.MESSAGE);
        assertThat(greenMail.getReceivedMessages()).hasSize(3);
        assertThat(s.pool().connects()).isEqualTo(3);
        assertThat(s.pool().idleSessions()).isZero();
    }

    @Test
    void aSessionTheServerDroppedIsReplacedAndTheMessageStillSent() throws Exception {
        try (var smtp = ScriptedSmtpServer.droppingAfterEachMessage()) {
            EmailSender s = EmailSenderTest.sender(smtp.port(), Map.of("delivery.smtp.pool-size", "1"));
            for (int i = 0; i < 3; i++) {
                assertThat(Outcomes.plain(s.send(EmailSenderTest.contact("ops@example.com"), UUID.randomUUID(), 1, EmailSenderTest.MESSAGE)))
                        .isEqualTo(new SendOutcome.Delivered(250));
            }
            assertThat(smtp.messages()).isEqualTo(3); // each exactly once
            assertThat(smtp.connections()).isEqualTo(3); // the dead kept session was replaced each time
        }
    }

    @Test
    void concurrentSendsNeverOpenMoreSessionsThanThePoolSize() throws Exception {
        EmailSender s = EmailSenderTest.sender(greenMail.getSmtp().getPort(), Map.of("delivery.smtp.pool-size", "2",
                "delivery.smtp.timeout", "5s"));
        ContactTarget to = EmailSenderTest.contact("ops@example.com");
        List<Future<SendOutcome>> sends = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 40; i++) {
                Callable<SendOutcome> c = () -> s.send(to, UUID.randomUUID(), 1, EmailSenderTest.MESSAGE);
                sends.add(pool.submit(c));
            }
            for (Future<SendOutcome> f : sends) assertThat(Outcomes.plain(f.get())).isEqualTo(new SendOutcome.Delivered(250));
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(40);
        assertThat(s.pool().connects()).isBetween(1L, 2L);
        assertThat(s.pool().idleSessions()).isLessThanOrEqualTo(2);
    }

    @Test
    void aSessionIdleLongerThanTheIdleTimeoutIsNotReused() throws Exception {
        EmailSender s = EmailSenderTest.sender(greenMail.getSmtp().getPort(), Map.of("delivery.smtp.pool-size", "1",
                "delivery.smtp.pool-idle", "100ms"));
        s.send(EmailSenderTest.contact("ops@example.com"), UUID.randomUUID(), 1, EmailSenderTest.MESSAGE);
        Thread.sleep(250);
        s.send(EmailSenderTest.contact("ops@example.com"), UUID.randomUUID(), 1, EmailSenderTest.MESSAGE);
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
        assertThat(s.pool().connects()).isEqualTo(2);
    }
}

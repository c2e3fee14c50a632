package dev.herald.senders;

import dev.herald.contacts.Channel;
import dev.herald.contacts.ContactTarget;
import dev.herald.templates.RenderedMessage;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a rendered email (subject, plain text and HTML as {@code multipart/alternative}) over SMTP with Angus Mail to
 * the configured server ({@code delivery.smtp.*}), upgrading with STARTTLS when the server offers it. The
 * {@code Message-ID} is derived from the delivery id, so a retry after a crash carries the same id. Outcomes: accepted →
 * Delivered(250); a 4xx reply, connection failure, timeout or authentication failure (our configuration, not the
 * recipient) → Retry; a 5xx reply or a malformed address → Failed. Never logs the password or the message.
 * Sessions are kept connected and reused ({@link SmtpSessionPool}, {@code delivery.smtp.pool-*}). Thread-safe; share
 * one instance.
 */
final class EmailSender implements Sender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmailSender.class);

    private final Session session;
    private final InternetAddress from;
    private final String user;
    private final String password;
    private final Clock clock;
    private final String messageIdDomain;
    private final SmtpSessionPool pool;

    public EmailSender(SmtpSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public EmailSender(SmtpSettings settings, Clock clock) {
        this.clock = clock;
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", Integer.toString(settings.port()));
        p.put("mail.smtp.connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        p.put("mail.smtp.timeout", Long.toString(settings.timeout().toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(settings.timeout().toMillis()));
        p.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        p.put("mail.smtp.starttls.required", Boolean.toString(settings.startTlsRequired()));
        p.put("mail.smtp.ssl.enable", Boolean.toString(settings.ssl()));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        this.user = settings.user().orElse(null);
        this.password = settings.password().orElse(null);
        p.put("mail.smtp.auth", Boolean.toString(user != null));
        this.session = Session.getInstance(p);
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("delivery.smtp.from is not a valid address: " + e.getMessage());
        }
        String addr = from.getAddress();
        this.messageIdDomain = addr.contains("@") ? addr.substring(addr.indexOf('@') + 1) : "herald.local";
        this.pool = new SmtpSessionPool(session, user, password, settings.poolSize(), settings.poolIdle(), settings.poolMaxMessages(),
                settings.timeout());
    }

    /** Closes the kept SMTP sessions. */
    @Override
    public void close() {
        pool.close();
    }

    /** The session pool (tests read its counts). */
    SmtpSessionPool pool() { return pool; }

    @Override
    public SendOutcome send(ContactTarget contact, UUID deliveryId, int attempt, RenderedMessage message) {
        if (contact.channel() != Channel.EMAIL) {
            return new SendOutcome.Failed("contact " + contact.id() + " is not an email contact");
        }
        if (message == null || message.emailSubject() == null || (message.emailText() == null && message.emailHtml() == null)) {
            return new SendOutcome.Failed("no email subject and body were rendered");
        }
        MimeMessage mail;
        try {
            mail = build(contact, deliveryId, message);
        } catch (AddressException e) {
            return new SendOutcome.Failed("contact " + contact.id() + " has an invalid email address: " + e.getMessage());
        } catch (MessagingException e) {
            return new SendOutcome.Failed("cannot build the email: " + e.getMessage());
        }
        SendOutcome out;
        try {
            pool.send(t -> t.sendMessage(mail, mail.getAllRecipients()));
            out = new SendOutcome.Delivered(250);
        } catch (MessagingException e) {
            out = classify(e);
        }
        log.debug("email {} attempt {} to contact {}: {}", deliveryId, attempt, contact.id(), out);
        return out;
    }

    private MimeMessage build(ContactTarget contact, UUID deliveryId, RenderedMessage m) throws MessagingException {
        String messageId = "<" + deliveryId + "@" + messageIdDomain + ">";
        MimeMessage mail = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        mail.setFrom(from);
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(contact.target(), true));
        mail.setSubject(m.emailSubject().replaceAll("[\\r\\n\\t]+", " ").strip(), StandardCharsets.UTF_8.name());
        mail.setSentDate(Date.from(clock.instant()));
        mail.setHeader("X-Herald-Delivery-Id", deliveryId.toString());
        MimeMultipart alt = new MimeMultipart("alternative");
        if (m.emailText() != null) {
            MimeBodyPart text = new MimeBodyPart();
            text.setText(m.emailText(), StandardCharsets.UTF_8.name(), "plain");
            alt.addBodyPart(text);
        }
        if (m.emailHtml() != null) {
            MimeBodyPart html = new MimeBodyPart();
            html.setText(m.emailHtml(), StandardCharsets.UTF_8.name(), "html");
            alt.addBodyPart(html);
        }
        mail.setContent(alt);
        mail.saveChanges();
        return mail;
    }

    /** A 4xx reply or a transport problem is transient; a 5xx reply is permanent. */
    static SendOutcome classify(MessagingException e) {
        Integer code = replyCodeOf(e);
        String reason = describe(e, code);
        String excerpt = SendOutcome.excerptOf(reason);
        if (code != null && code >= 500 && code < 600) return new SendOutcome.Failed(reason, "smtp", code, excerpt);
        if (code == null && e instanceof AuthenticationFailedException) {
            return new SendOutcome.Retry("SMTP authentication failed (check delivery.smtp.user / password)", null, "smtp_auth", null, null);
        }
        return new SendOutcome.Retry(reason, null, code == null ? "connect" : "smtp", code, excerpt);
    }

    /** The SMTP reply code in a failure's chain, or null when the server never answered (a transport problem). */
    static Integer replyCodeOf(Throwable e) {
        for (Throwable t = e; t != null; ) {
            switch (t) {
                case SMTPAddressFailedException a -> { return a.getReturnCode(); }
                case SMTPSenderFailedException s -> { return s.getReturnCode(); }
                case SMTPSendFailedException s -> {
                    if (s.getReturnCode() > 0) return s.getReturnCode();
                }
                default -> { }
            }
            Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
            t = next == t ? null : next;
        }
        return null;
    }

    private static String describe(MessagingException e, Integer code) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String what = code != null ? "SMTP server answered " + code
                : root instanceof IOException ? "SMTP connection failed: " + root.getClass().getSimpleName() : "SMTP send failed";
        String msg = (root.getMessage() == null ? e.getMessage() : root.getMessage());
        msg = msg == null ? "" : msg.strip().replaceAll("\\s+", " ");
        return what + (msg.isEmpty() ? "" : ": " + (msg.length() > 200 ? msg.substring(0, 200) + "…" : msg));
    }
}

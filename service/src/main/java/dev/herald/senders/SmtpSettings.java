package dev.herald.senders;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;
import java.util.Optional;

/**
 * How email is sent ({@code delivery.smtp.*}). Immutable.
 *
 * @param host             SMTP server
 * @param port             SMTP port
 * @param user             SMTP user; empty = no authentication
 * @param password         SMTP password; never logged
 * @param from             From address of notifications
 * @param startTls         upgrade with STARTTLS when offered
 * @param startTlsRequired refuse to send without STARTTLS
 * @param ssl              TLS from the start (SMTPS)
 * @param connectTimeout   wait to connect to the server
 * @param timeout          wait for each reply or write
 * @param poolSize         most kept-alive sessions (0 = a connection per message)
 * @param poolIdle         a session idle longer than this is not reused
 * @param poolMaxMessages  messages per session before it is replaced
 */
public record SmtpSettings(String host, int port, Optional<String> user, Optional<String> password, String from, boolean startTls,
                           boolean startTlsRequired, boolean ssl, Duration connectTimeout, Duration timeout, int poolSize, Duration poolIdle,
                           int poolMaxMessages) {

    @Override
    public String toString() { // never the password
        return "SmtpSettings[" + host + ":" + port + ", user=" + user.orElse("none") + "]";
    }

    /** Reads the SMTP settings (none of them has to agree with another). */
    public static SmtpSettings from(HeraldConfig config) {
        return new SmtpSettings(config.get(Settings.SMTP_HOST), config.get(Settings.SMTP_PORT), config.get(Settings.SMTP_USER),
                config.get(Settings.SMTP_PASSWORD), config.get(Settings.SMTP_FROM), config.get(Settings.SMTP_STARTTLS),
                config.get(Settings.SMTP_STARTTLS_REQUIRED), config.get(Settings.SMTP_SSL), config.get(Settings.SMTP_CONNECT_TIMEOUT),
                config.get(Settings.SMTP_TIMEOUT), config.get(Settings.SMTP_POOL_SIZE), config.get(Settings.SMTP_POOL_IDLE),
                config.get(Settings.SMTP_POOL_MAX_MESSAGES));
    }
}

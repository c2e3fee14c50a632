package dev.herald.senders;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP date. */
final class RetryAfter {
    private RetryAfter() {}

    /** The wait it asks for, capped at {@code max}; null when absent or unreadable. A date in the past gives zero. */
    static Duration parse(String header, Clock clock, Duration max) {
        if (header == null || header.isBlank()) return null;
        String v = header.trim();
        Duration d;
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                d = Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                d = max; // absurdly many digits
            }
        } else {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(clock.instant(), at.toInstant());
                if (d.isNegative()) d = Duration.ZERO;
                if (d.getNano() > 0) d = Duration.ofSeconds(d.getSeconds() + 1); // the date has whole seconds: never earlier
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}

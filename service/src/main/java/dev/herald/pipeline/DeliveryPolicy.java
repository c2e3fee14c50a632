package dev.herald.pipeline;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.RetrySchedule;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * How the pipeline treats a receiver that is down, slow or failing: the retry schedule, per-contact isolation (in-flight
 * bound, slow sends released from the process's slots, the circuit), endpoint health and its operational events, and
 * how long the delivery log is kept. Immutable.
 *
 * <p>Refused at start: a {@code delivery.retry-schedule} longer than {@code delivery.max-retry-horizon} (every
 * organization's and contact's own schedule is held to the horizon, so the default must be too), and a
 * {@code delivery.circuit-open} longer than {@code delivery.circuit-open-max}.
 *
 * @param retrySchedule         the default schedule ({@code delivery.retry-schedule})
 * @param maxRetryHorizon       longest total of any schedule
 * @param retryJitter           spread of each delay either way, as a fraction
 * @param retryAfterMax         cap on a receiver's Retry-After
 * @param contactConcurrency    sends to one contact in flight at once per process
 * @param slowSend              after this a send stops holding a process slot
 * @param contactBusyDelay      how long a slow contact's ready units are put back
 * @param circuitFailures       consecutive failures that open a contact's circuit
 * @param circuitOpen           first open period; doubles per reopening
 * @param circuitOpenMax        longest open period
 * @param failingAfter          consecutive failures that emit {@code contact.failing}
 * @param disableAfter          failing continuously this long disables a contact
 * @param successRecordInterval a healthy contact's last success is written at most this often
 * @param retention             how long deliveries and attempts are kept
 * @param partitionsAhead       day partitions of the attempt log created ahead
 */
public record DeliveryPolicy(RetrySchedule retrySchedule, Duration maxRetryHorizon, double retryJitter, Duration retryAfterMax,
                             int contactConcurrency, Duration slowSend, Duration contactBusyDelay, int circuitFailures,
                             Duration circuitOpen, Duration circuitOpenMax, int failingAfter, Duration disableAfter,
                             Duration successRecordInterval, Duration retention, int partitionsAhead) {

    /** Reads and cross-checks the delivery policy. */
    public static DeliveryPolicy from(HeraldConfig config) {
        RetrySchedule schedule = config.get(Settings.DELIVERY_RETRY_SCHEDULE);
        Duration horizon = config.get(Settings.DELIVERY_MAX_RETRY_HORIZON);
        CrossCheck check = CrossCheck.of(config);
        check.require(schedule.horizon().compareTo(horizon) <= 0, check.describe(Settings.DELIVERY_RETRY_SCHEDULE)
                        + " adds up to " + RetrySchedule.human(schedule.horizon()) + ", longer than "
                        + check.describe(Settings.DELIVERY_MAX_RETRY_HORIZON) + ", the horizon every schedule is held to")
                .atMost(Settings.DELIVERY_CIRCUIT_OPEN, Settings.DELIVERY_CIRCUIT_OPEN_MAX,
                        "the circuit's first open period would already be above its longest")
                .orThrow();
        return new DeliveryPolicy(schedule, horizon, config.get(Settings.DELIVERY_RETRY_JITTER),
                config.get(Settings.DELIVERY_RETRY_AFTER_MAX), config.get(Settings.DELIVERY_CONTACT_CONCURRENCY),
                config.get(Settings.DELIVERY_SLOW_SEND), config.get(Settings.DELIVERY_CONTACT_BUSY_DELAY),
                config.get(Settings.DELIVERY_CIRCUIT_FAILURES), config.get(Settings.DELIVERY_CIRCUIT_OPEN),
                config.get(Settings.DELIVERY_CIRCUIT_OPEN_MAX), config.get(Settings.DELIVERY_FAILING_AFTER),
                config.get(Settings.DELIVERY_DISABLE_AFTER), config.get(Settings.DELIVERY_SUCCESS_RECORD_INTERVAL),
                config.get(Settings.RETENTION_DELIVERIES), config.get(Settings.RETENTION_PARTITIONS_AHEAD));
    }

    /** The open period of a contact's circuit opened for the {@code opens}-th time without a success (0-based). */
    Duration circuitOpenFor(int opens) {
        long ms = circuitOpen.toMillis();
        for (int i = 0; i < opens && ms < circuitOpenMax.toMillis(); i++) ms *= 2;
        return Duration.ofMillis(Math.min(ms, circuitOpenMax.toMillis()));
    }
}

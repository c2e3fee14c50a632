package dev.herald.senders;

import dev.herald.contacts.TargetValidator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's system-wide host name resolver (JEP 418, installed through {@code META-INF/services}): the JDK's built-in
 * resolver, except that for a <em>guarded</em> host every lookup drops non-public addresses
 * ({@link TargetValidator#isPrivate}) and fails when none is left. {@link WebhookSender} guards a webhook or token host
 * once it checked that host's addresses (unless {@code delivery.allow-private-targets}).
 *
 * <p>Why: the JDK HttpClient resolves the host itself when it connects ({@code new InetSocketAddress(host, port)}, through
 * {@link InetAddress}'s cache and then this resolver). Either that lookup answers from the cache, i.e. the addresses the
 * sender's check saw, or it asks this resolver, which refuses a non-public answer for a guarded host. So whatever the
 * connection is made to was checked: a DNS answer that changes to a private address between the check and the
 * connection (DNS rebinding) is never connected to. The URL keeps its host name, so TLS SNI and certificate
 * verification stay the JDK's own. Other hosts (the database, Redis, SMTP) are resolved as the JDK would.
 *
 * <p>Guarded hosts are kept for the life of the process (one entry per distinct webhook or token host). Thread-safe.
 */
public final class TargetResolverProvider extends InetAddressResolverProvider {
    private static final Set<String> GUARDED = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;
    private static final java.util.Map<String, List<InetAddress>> TEST_ANSWERS = new ConcurrentHashMap<>();

    public TargetResolverProvider() {}

    @Override
    public InetAddressResolver get(Configuration configuration) {
        installed = true;
        InetAddressResolver builtin = configuration.builtinResolver();
        return new Guarded(host -> {
            List<InetAddress> fixed = host == null || TEST_ANSWERS.isEmpty() ? null : TEST_ANSWERS.get(host.toLowerCase(Locale.ROOT));
            return fixed == null ? builtin : new InetAddressResolver() {
                @Override
                public Stream<InetAddress> lookupByName(String h, LookupPolicy policy) { return fixed.stream(); }

                @Override
                public String lookupByAddress(byte[] addr) throws UnknownHostException { return builtin.lookupByAddress(addr); }
            };
        });
    }

    @Override
    public String name() {
        return "herald-guarded-targets";
    }

    /** Every later lookup of {@code host} drops non-public addresses (case-insensitive). */
    static void guard(String host) {
        GUARDED.add(host.toLowerCase(Locale.ROOT));
    }

    static boolean guarded(String host) {
        return GUARDED.contains(host.toLowerCase(Locale.ROOT));
    }

    /** True once this provider is the system-wide resolver (it is set at the JVM's first lookup). */
    static boolean installed() {
        try {
            InetAddress.getAllByName("localhost"); // the first lookup installs the system-wide resolver
        } catch (UnknownHostException ignored) {
            // the provider was consulted either way
        }
        return installed;
    }

    /** Tests only: lookups of {@code host} answer {@code addresses} (a DNS answer the test controls). */
    static void answerForTests(String host, InetAddress... addresses) {
        TEST_ANSWERS.put(host.toLowerCase(Locale.ROOT), List.of(addresses));
    }

    /** The guarding resolver over a delegate chosen per lookup. */
    static final class Guarded implements InetAddressResolver {
        interface Delegate {
            InetAddressResolver forHost(String host);
        }

        private final Delegate delegate;

        Guarded(Delegate delegate) {
            this.delegate = delegate;
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            Stream<InetAddress> all = delegate.forHost(host).lookupByName(host, policy);
            if (!guarded(host)) return all;
            List<InetAddress> pub = all.filter(a -> !TargetValidator.isPrivate(a)).toList();
            if (pub.isEmpty()) {
                throw new UnknownHostException(host + " resolves only to non-public addresses; refused unless delivery.allow-private-targets");
            }
            return pub.stream();
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            return delegate.forHost(null).lookupByAddress(addr);
        }
    }
}

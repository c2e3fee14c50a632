package dev.herald.contacts;

import dev.herald.errors.DomainException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Validates where Herald may send: webhook and token URLs (http/https with a host, no credentials in the URL, and —
 * unless {@code delivery.allow-private-targets} — every address the host resolves to public) and email addresses.
 * Failures are {@link dev.herald.errors.DomainException#invalid} refusals naming the field.
 */
public final class TargetValidator {
    static final int MAX_URL = 2048;
    static final int MAX_EMAIL = 254;

    private final boolean allowPrivate;

    TargetValidator(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The URL, normalized; 422 when it is not an acceptable http(s) target. */
    String url(String field, String raw) {
        if (raw == null || raw.isBlank()) throw DomainException.invalid(field, field + " is required");
        if (raw.length() > MAX_URL) throw DomainException.invalid(field, field + " is longer than " + MAX_URL + " characters");
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw DomainException.invalid(field, field + " is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw DomainException.invalid(field, field + " must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw DomainException.invalid(field, field + " must name a host");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) { // java.net.URI takes any digits
            throw DomainException.invalid(field, field + " port must be between 1 and 65535, got " + uri.getPort());
        }
        if (uri.getRawUserInfo() != null) {
            throw DomainException.invalid(field, field + " must not carry credentials; use outbound_auth");
        }
        if (uri.getRawFragment() != null) {
            throw DomainException.invalid(field, field + " must not have a #fragment");
        }
        if (!allowPrivate) checkPublic(field, uri.getHost());
        return uri.toString();
    }

    /** The address; 422 when it is not one valid email address. */
    String email(String field, String raw) {
        if (raw == null || raw.isBlank()) throw DomainException.invalid(field, field + " is required");
        String s = raw.strip();
        if (s.length() > MAX_EMAIL) throw DomainException.invalid(field, field + " is longer than " + MAX_EMAIL + " characters");
        try {
            InternetAddress a = new InternetAddress(s, true);
            a.validate();
            if (!a.getAddress().equals(s) || a.getPersonal() != null) throw new AddressException("give the bare address");
            int at = s.lastIndexOf('@');
            if (at < 1 || !s.substring(at + 1).contains(".")) throw new AddressException("the domain must be fully qualified");
        } catch (AddressException e) {
            throw DomainException.invalid(field, field + " is not a valid email address: " + e.getMessage());
        }
        return s;
    }

    private static void checkPublic(String field, String host) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw DomainException.invalid(field, field + " host '" + host + "' does not resolve");
        }
        for (InetAddress a : all) {
            if (isPrivate(a)) {
                throw DomainException.invalid(field, field + " host '" + host + "' resolves to the non-public address " + a.getHostAddress()
                        + " (loopback, private or link-local); set delivery.allow-private-targets=true to allow it");
            }
        }
    }

    /**
     * The IPv4 address an IPv6 address carries and reaches, or null: IPv4-compatible and IPv4-mapped ({@code ::a.b.c.d},
     * {@code ::ffff:a.b.c.d}), NAT64 ({@code 64:ff9b::/96}, RFC 6052), 6to4 ({@code 2002::/16}, RFC 3056) and Teredo
     * ({@code 2001::/32}, RFC 4380: the client address, stored inverted). Each of them delivers to that IPv4 host, so
     * the private-address rule must judge the IPv4 address, not the IPv6 wrapper.
     */
    static byte[] embeddedIpv4(byte[] b) {
        boolean zero10 = true;
        for (int i = 0; i < 10; i++) zero10 &= b[i] == 0;
        if (zero10 && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        boolean nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; i < 12 && nat64; i++) nat64 = b[i] == 0;
        if (nat64) return new byte[] {b[12], b[13], b[14], b[15]};
        if (b[0] == 0x20 && b[1] == 0x02) return new byte[] {b[2], b[3], b[4], b[5]};
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            return new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]};
        }
        return null;
    }

    /**
     * Loopback, unspecified, private (RFC 1918, ULA), link-local, shared (CGNAT), multicast or reserved, including an
     * IPv6 address that embeds such an IPv4 address ({@link #embeddedIpv4}).
     */
    public static boolean isPrivate(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff, o1 = b[1] & 0xff;
            return o0 == 0 || (o0 == 100 && o1 >= 64 && o1 < 128) || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)
                    || (o0 == 198 && (o1 == 18 || o1 == 19)) || o0 >= 240;
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && b[4] == 0 && b[5] == 0x01) {
                return true; // 64:ff9b:1::/48, local-use NAT64 (RFC 8215): translates to whatever the local network has
            }
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                try {
                    return isPrivate(InetAddress.getByAddress(embedded));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}

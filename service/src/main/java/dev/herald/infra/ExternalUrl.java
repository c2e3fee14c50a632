package dev.herald.infra;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** An external PostgreSQL URL ({@code postgresql://user:pass@host:port/db?...} or {@code jdbc:postgresql://...}) split into JDBC URL, user and password. */
record ExternalUrl(String jdbcUrl, String user, String password) {
    static ExternalUrl parse(String raw, String user, String password) {
        String s = raw.startsWith("jdbc:") ? raw.substring(5) : raw;
        if (s.startsWith("postgres://")) s = "postgresql://" + s.substring("postgres://".length());
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("database.url is not a valid URL: " + e.getMessage());
        }
        String u = user;
        String p = password;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            if (u == null) u = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            if (p == null && parts.length == 2) p = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        }
        String hostPort = uri.getHost() == null ? "localhost" : uri.getHost();
        if (uri.getPort() > 0) hostPort += ":" + uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new ExternalUrl("jdbc:postgresql://" + hostPort + path + query, u, p);
    }
}

package dev.herald.infra;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** Herald's schema versions (Flyway, {@code classpath:db/migration}): which one a database is at, which one the code carries. Stateless. */
public final class Migrations {
    private Migrations() {}

    private static FluentConfiguration flyway() {
        return Flyway.configure().locations("classpath:db/migration").connectRetries(0);
    }

    static void migrate(DataSource ds, String target) {
        FluentConfiguration f = flyway().dataSource(ds);
        if (target != null) f.target(MigrationVersion.fromVersion(target));
        f.load().migrate();
    }

    static Optional<String> current(DataSource ds) {
        var current = flyway().dataSource(ds).load().info().current();
        return current == null || current.getVersion() == null ? Optional.empty() : Optional.of(current.getVersion().getVersion());
    }

    /**
     * The versions of this code's migrations, oldest first (the last is the version {@link Database#open} migrates to),
     * read from the class path ({@code db/migration/V<version>__<name>.sql}) without a database.
     */
    public static java.util.List<String> codeVersions() {
        java.net.URL url = Migrations.class.getClassLoader().getResource("db/migration");
        if (url == null) throw new IllegalStateException("no db/migration on the class path");
        try {
            java.net.URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of())) {
                    return versionsIn(fs.getPath("/db/migration"));
                }
            }
            return versionsIn(java.nio.file.Path.of(uri));
        } catch (java.net.URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException("cannot list the migrations in " + url + ": " + e.getMessage(), e);
        }
    }

    private static java.util.List<String> versionsIn(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9._]+__.*\\.sql"))
                    .map(n -> MigrationVersion.fromVersion(n.substring(1, n.indexOf("__")).replace('_', '.')))
                    .sorted(Comparator.naturalOrder()).map(MigrationVersion::getVersion).toList();
        }
    }

    /** Compares two schema versions as Flyway does (numerically, part by part). */
    public static int compare(String a, String b) {
        return MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b));
    }
}

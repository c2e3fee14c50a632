package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./herald serve} as a real process: first-start admin key, a free port, and a graceful stop on SIGTERM. */
@Tag("slow") // a serve JVM started and stopped, about 6 s
class ServeCommandTest {
    @TempDir Path dataDir;

    @Test
    void firstStartPrintsAndSavesAnAdminKeyAndSigtermStopsGracefully() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--data-dir", dataDir.toString(), "--database-url", TestPostgres.newDatabaseUrl())
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        int port = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            Pattern listening = Pattern.compile("Herald listening on http://127\\.0\\.0\\.1:(\\d+)");
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    break;
                }
            }
            assertThat(port).as(String.join("\n", lines)).isPositive();
            Path keyFile = dataDir.resolve("admin-key");
            String key = Files.readString(keyFile).strip();
            assertThat(String.join("\n", lines)).contains(key);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

            HttpClient client = HttpClient.newHttpClient();
            var resp = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/organizations"))
                    .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Acme\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(201);

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
        } finally {
            p.destroyForcibly();
        }
    }
}

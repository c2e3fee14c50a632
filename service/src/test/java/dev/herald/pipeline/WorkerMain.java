package dev.herald.pipeline;

import dev.herald.Herald;
import dev.herald.config.HeraldConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A consumer process for the crash test: {@code java -cp <test classpath> dev.herald.pipeline.WorkerMain DB_URL [key=value...]}
 * runs consumers (with the loopback test sender) on that database until it is killed.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("database.url", args[0]);
        m.put("data.dir", Files.createTempDirectory("herald-worker").toString());
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            m.put(kv[0], kv[1]);
        }
        Herald herald = Herald.open(HeraldConfig.defaults(m));
        herald.pipeline(TestParts.parts(herald, Duration.ofSeconds(2))).startConsumers();
        System.out.println("WORKER STARTED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

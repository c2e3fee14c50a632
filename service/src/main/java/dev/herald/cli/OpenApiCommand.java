package dev.herald.cli;

import dev.herald.Herald;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code ./herald openapi}: prints the OpenAPI 3.1 document the server answers at {@code GET /openapi.json} (the routes'
 * contract with the event catalog as webhooks), for linting and client generation without a running server.
 */
@Command(name = "openapi", mixinStandardHelpOptions = true, description = "Print the OpenAPI 3.1 document (as GET /openapi.json serves it).")
final class OpenApiCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(Herald.openApi().json());
        return 0;
    }
}

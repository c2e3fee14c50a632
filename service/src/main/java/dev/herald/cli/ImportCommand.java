package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.imports.ImportRejected;
import dev.herald.imports.ImportType;
import dev.herald.imports.Importer;
import dev.herald.imports.RowError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./herald import <type> FILE [--organization ID]}: all-or-nothing bulk import through COPY. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import records or dependency edges from a CSV file (header row) or NDJSON file (.ndjson/.jsonl).",
                "All or nothing: any bad row imports nothing and the first bad rows are named (line, column, reason).",
                "Types: locations, asset-types, assets, incidents, outages, internet-outages, intel-requests, dependencies."})
final class ImportCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Parameters(index = "0", paramLabel = "TYPE", description = "What the file holds (see above)") String type;

    @Parameters(index = "1", paramLabel = "FILE", description = "The .csv, .ndjson or .jsonl file") Path file;

    @Option(names = "--organization", paramLabel = "ID",
            description = "Organization of rows without an organization_id column/value (required unless every row has one)")
    String organization;

    @Override
    public Integer call() throws IOException {
        ImportType t = ImportType.parse(type);
        if (Files.isDirectory(file)) throw new CommandFailure("cannot import " + file + ": it is a directory, not a file");
        if (!Files.exists(file)) throw new CommandFailure("cannot read " + file + ": no such file");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) throw new CommandFailure("cannot read " + file + ": not a readable file");
        UUID org = organization == null ? null : Args.uuid(organization, "--organization");
        try (Herald herald = Herald.open(db.load())) {
            if (org != null && herald.organizations().find(org).isEmpty()) {
                throw new CommandFailure("organization " + org + " does not exist");
            }
            Importer.Result r;
            try {
                r = new Importer(herald.db(), herald.settings().imports()).run(t, file, org);
            } catch (ImportRejected e) {
                herald.audit().recordCommand("import " + t.cliName(), org, null, false);
                for (RowError err : e.errors()) System.err.println(file.getFileName() + ": " + err);
                if (e.badRows() > e.errors().size()) {
                    System.err.println(file.getFileName() + ": ... and " + (e.badRows() - e.errors().size()) + " more bad rows");
                }
                throw new CommandFailure("import of " + file.getFileName() + " rejected: " + e.getMessage());
            }
            herald.audit().recordCommand("import " + t.cliName(), org, null, true);
            System.out.printf("imported %,d %s from %s in %.2f s (%,.0f rows/s)%n", r.rows(), t.cliName(), file.getFileName(),
                    r.seconds(), r.rows() / Math.max(r.seconds(), 1e-9));
        }
        return 0;
    }
}

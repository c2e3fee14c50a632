package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.impact.Impact;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald rebuild-impact [--organization ID]}: recompute impact state after a load that skipped triggers. */
@Command(name = "rebuild-impact", mixinStandardHelpOptions = true,
        description = {"Recompute every organization's impact state (which open incident reaches which asset or intel",
                "request) from the source tables and write the impact events of each difference. Needed after a load that",
                "skipped triggers (session_replication_role = replica, DISABLE TRIGGER); otherwise it finds nothing."})
final class RebuildImpactCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--organization", paramLabel = "ID", description = "Only this organization (default: every organization)")
    String organization;

    @Override
    public Integer call() {
        UUID org = organization == null ? null : Args.uuid(organization, "--organization");
        try (Herald herald = Herald.open(db.load())) {
            Impact impact = herald.impact();
            int pending = impact.applyPending(); // what writers recorded and no applier took yet
            if (pending > 0) System.out.println("rebuild-impact: applied " + pending + " recorded change(s) first");
            List<UUID> all = impact.organizations();
            if (org != null && !all.contains(org)) throw new CommandFailure("organization " + org + " does not exist");
            List<UUID> orgs = org != null ? List.of(org) : all;
            long events = 0;
            for (UUID o : orgs) {
                int n = impact.rebuild(o);
                events += n;
                if (n > 0) System.out.println("organization " + o + ": " + n + " impact event(s) written");
            }
            System.out.println("rebuild-impact: " + orgs.size() + " organization(s), " + events + " impact event(s) written");
        }
        return 0;
    }
}

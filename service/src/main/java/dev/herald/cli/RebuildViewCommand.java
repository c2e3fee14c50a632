package dev.herald.cli;

import dev.herald.Herald;
import dev.herald.current.CurrentIncidentsRebuild;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./herald rebuild-view [--organization ID]}: recompute the current-incidents view, report differences, repair. */
@Command(name = "rebuild-view", mixinStandardHelpOptions = true,
        description = {"Recompute the current-incidents view from the source tables, compare it with the stored view,",
                "report the differences found (there should be none) and repair them. Exit 0 when done."})
final class RebuildViewCommand implements Callable<Integer> {
    @Mixin DbOptions db;

    @Option(names = "--organization", paramLabel = "ID", description = "Only this organization (default: every organization)")
    String organization;

    @Option(names = "--show", paramLabel = "N", defaultValue = "5", description = "Differences to list per organization (default 5)")
    int show;

    @Override
    public Integer call() {
        UUID org = organization == null ? null : Args.uuid(organization, "--organization");
        if (show < 0) throw new CommandFailure("--show must be 0 or more");
        try (Herald herald = Herald.open(db.load())) {
            CurrentIncidentsRebuild rebuild = herald.currentIncidents().rebuild();
            if (org != null && !rebuild.exists(org)) {
                throw new CommandFailure("organization " + org + " does not exist");
            }
            List<UUID> orgs = org != null ? List.of(org) : rebuild.organizations();
            long entries = 0, differences = 0, repaired = 0;
            for (UUID o : orgs) {
                CurrentIncidentsRebuild.OrgResult r = rebuild.run(o, show);
                entries += r.entries();
                differences += r.differences();
                repaired += r.repaired();
                if (r.differences() > 0) {
                    System.out.println("organization " + o + ": " + r.differences() + " difference(s) in " + r.entries() + " entries");
                    for (CurrentIncidentsRebuild.Difference d : r.first()) {
                        System.out.println("  " + d.kind() + " " + d.incidentId());
                    }
                }
            }
            System.out.println("rebuild-view: " + orgs.size() + " organization(s), " + entries + " current incident(s), "
                    + differences + " difference(s) found, " + repaired + " entr" + (repaired == 1 ? "y" : "ies") + " repaired");
        }
        return 0;
    }
}

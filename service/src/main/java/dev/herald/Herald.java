package dev.herald;

import dev.herald.api.ApiKeys;
import dev.herald.api.HttpServer;
import dev.herald.api.Routes;
import dev.herald.assets.AssetTypes;
import dev.herald.assets.Assets;
import dev.herald.cache.SingleFlight;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.contacts.Contacts;
import dev.herald.current.CurrentIncidents;
import dev.herald.graph.Graph;
import dev.herald.incidents.Incidents;
import dev.herald.incidents.InternetOutages;
import dev.herald.incidents.Outages;
import dev.herald.infra.Database;
import dev.herald.infra.Metrics;
import dev.herald.intel.IntelRequests;
import dev.herald.limits.DeliveryGate;
import dev.herald.locations.Locations;
import dev.herald.organizations.Organizations;
import dev.herald.pipeline.Pipeline;
import dev.herald.pipeline.WorkSettings;
import dev.herald.records.Dependencies;
import dev.herald.senders.ChannelSender;
import dev.herald.senders.Sender;
import dev.herald.templates.MessageRenderer;
import dev.herald.templates.PebbleMessageRenderer;
import dev.herald.templates.Templates;
import dev.herald.workload.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Herald process's parts, wired once from the configuration: metrics, the migrated database, API keys and the
 * features. Commands open it, use what they need, and close it. Thread-safe after {@link #open}.
 */
public final class Herald implements AutoCloseable {
    private final HeraldConfig config;
    private final Metrics metrics;
    private final Database db;
    private final ApiKeys keys;
    private final Organizations organizations;
    private final Coordination coordination;
    private final Graph graph;
    private final Locations locations;
    private final Incidents incidents;
    private final Outages outages;
    private final InternetOutages internetOutages;
    private final AssetTypes assetTypes;
    private final Assets assets;
    private final IntelRequests intelRequests;
    private final CurrentIncidents currentIncidents;
    private final ChannelSender sender;
    private final Contacts contacts;
    private final Templates templates;
    private final MessageRenderer renderer;
    private final WorkSettings work;
    private Pipeline pipeline;

    private Herald(HeraldConfig config, WorkSettings work, Metrics metrics, Database db, Coordination coordination) {
        this.config = config;
        this.work = work;
        this.metrics = metrics;
        this.db = db;
        this.coordination = coordination;
        this.keys = new ApiKeys(db, config.get(Settings.CACHE_TTL_API_KEYS));
        this.organizations = new Organizations(db);
        this.graph = new Graph(db, config);
        this.locations = new Locations(db);
        this.incidents = new Incidents(db);
        this.outages = new Outages(db);
        this.internetOutages = new InternetOutages(db);
        this.assetTypes = new AssetTypes(db);
        this.assets = new Assets(db);
        this.intelRequests = new IntelRequests(db);
        this.currentIncidents = CurrentIncidents.start(db, config);
        this.sender = ChannelSender.fromConfig(config, metrics);
        this.contacts = new Contacts(db);
        this.templates = new Templates(db, config);
        this.renderer = new PebbleMessageRenderer(templates);
    }

    /** Opens the database (embedded or external), migrates it, and wires the features. */
    public static Herald open(HeraldConfig config) {
        WorkSettings work = WorkSettings.from(config); // a bad combination of settings stops the start before anything opens
        Metrics metrics = new Metrics();
        // Redis first: an unreachable redis.url stops the start before anything else is opened.
        Coordination coordination = Coordination.create(config, metrics);
        Database db;
        try {
            db = Database.open(config, metrics);
        } catch (RuntimeException e) {
            coordination.close();
            throw e;
        }
        return new Herald(config, work, metrics, db, coordination);
    }

    /** The routes of every feature, in registration order. */
    public List<Routes> routes() {
        List<Routes> r = new ArrayList<>();
        r.add(currentIncidents.routes()); // first: /incidents/current must not be taken for /incidents/{id}
        r.add(organizations.routes(keys));
        r.add(graph.routes(config));
        r.add(Pipeline.routes(db, config));
        // record routes last: GET /incidents/{id} must not shadow fixed paths such as /incidents/current (first match wins)
        r.add(locations.routes(config));
        r.add(assets.routes(assetTypes, config));
        r.add(outages.routes(internetOutages));
        Dependencies dependencies = new Dependencies(graph, organizations, config);
        r.add(intelRequests.routes(dependencies, config));
        r.add(incidents.routes(dependencies, config));
        r.add(contacts.routes(organizations, config));
        r.add(templates.routes(organizations));
        return r;
    }

    /** Starts the HTTP API. */
    public HttpServer serveHttp() {
        return HttpServer.start(config, metrics, keys, this::health, routes());
    }

    /** Liveness + readiness: the database answers. */
    public HttpServer.Health health() {
        try {
            db.read("Health.PING", c -> {
                try (var rs = c.createStatement().executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
            return new HttpServer.Health(true, Map.of("database", "ok"));
        } catch (RuntimeException e) {
            return new HttpServer.Health(false, Map.of("database", "unavailable"));
        }
    }

    /**
     * On the first start with no API keys, creates an admin key, saves it to {@code data.dir/admin-key} (readable by
     * its owner only) and returns it so the caller can print it once.
     */
    public Optional<String> ensureFirstAdminKey() {
        if (keys.countLive() > 0) {
            return Optional.empty();
        }
        ApiKeys.CreatedKey k = keys.create(null, "first-start admin key");
        Path file = config.get(Settings.DATA_DIR).resolve("admin-key");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, k.secret() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the admin key to " + file, e);
        }
        return Optional.of(k.secret());
    }

    /**
     * The notification pipeline built on {@code parts} (created once; later calls return the same one). Consumers start
     * with {@link Pipeline#startConsumers()}.
     */
    public synchronized Pipeline pipeline(Pipeline.Parts parts) {
        if (pipeline == null) pipeline = new Pipeline(work, db, metrics, parts);
        return pipeline;
    }

    /** The pipeline on this process's own parts: sender, renderer, delivery gate, current-incidents view, graph, single-flight. */
    public Pipeline pipeline() {
        return pipeline(defaultParts());
    }

    private Pipeline.Parts defaultParts() {
        return new Pipeline.Parts(sender, renderer, deliveryGate(), currentIncidents, graph, singleFlight());
    }

    public HeraldConfig config() { return config; }

    public Metrics metrics() { return metrics; }

    public Database db() { return db; }

    public ApiKeys keys() { return keys; }

    public Organizations organizations() { return organizations; }

    /** The reference workload loader on this database ({@code seed.statement-timeout} per load). */
    public Workload workload() { return new Workload(db, config.get(Settings.SEED_STATEMENT_TIMEOUT)); }

    /** Rate limits and throttle windows, shared across processes on Redis when redis.url is set. */
    public DeliveryGate deliveryGate() { return coordination.deliveryGate(); }

    /** Single-flight caches (TTL per kind), shared across processes on Redis when redis.url is set. */
    public SingleFlight singleFlight() { return coordination.singleFlight(); }

    public Coordination coordination() { return coordination; }

    /** The dependency graph: resolution ({@link dev.herald.graph.DependencyResolver}), direct lookups, edge writes. */
    public Graph graph() { return graph; }
    public Locations locations() { return locations; }

    public Incidents incidents() { return incidents; }

    public Assets assets() { return assets; }

    public IntelRequests intelRequests() { return intelRequests; }

    /** The current-incidents view (also the {@link dev.herald.current.CurrentIncidentLookup} of the pipeline). */
    public CurrentIncidents currentIncidents() { return currentIncidents; }
    /** Sends a rendered notification through the contact's channel (webhook or email). */
    public Sender sender() { return sender; }

    /** Contacts: the API's view, and targets with secrets for senders. */
    public Contacts contacts() { return contacts; }

    /** Renders notifications with the organization's templates (or the defaults). */
    public MessageRenderer renderer() { return renderer; }

    public Templates templates() { return templates; }

    @Override
    public void close() {
        synchronized (this) {
            if (pipeline != null) pipeline.close(); // consumers stop before the parts they use
        }
        sender.close();
        templates.close();
        currentIncidents.close();
        graph.close();
        db.close();
        coordination.close();
    }
}

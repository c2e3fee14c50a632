package dev.herald;

import dev.herald.api.ApiKeys;
import dev.herald.api.ApiSettings;
import dev.herald.api.HttpServer;
import dev.herald.api.Idempotency;
import dev.herald.api.Routes;
import dev.herald.audit.AuditLog;
import dev.herald.backup.BackupSchedule;
import dev.herald.assets.AssetTypes;
import dev.herald.assets.Assets;
import dev.herald.cache.SingleFlight;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import dev.herald.contacts.ContactSecrets;
import dev.herald.contacts.Contacts;
import dev.herald.current.CurrentIncidents;
import dev.herald.graph.Graph;
import dev.herald.impact.Impact;
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
import dev.herald.records.Dependencies;
import dev.herald.secrets.MasterKeys;
import dev.herald.secrets.SecretBox;
import dev.herald.secrets.SecretsSettings;
import dev.herald.senders.ChannelSender;
import dev.herald.senders.Sender;
import dev.herald.templates.MessageRenderer;
import dev.herald.templates.PebbleMessageRenderer;
import dev.herald.templates.Templates;
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
 * features, each handed its own typed settings ({@link HeraldSettings}, built and cross-checked once, before anything is
 * opened). Commands open it, use what they need, and close it. Thread-safe after {@link #open}.
 */
public final class Herald implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Herald.class);
    /** This build's version (printed by {@code --version}, recorded in every backup's manifest). */
    public static final String VERSION = "0.1.0";

    private final HeraldConfig config;
    private final HeraldSettings settings;
    private final Metrics metrics;
    private final Database db;
    private final ApiKeys keys;
    private final BackupSchedule backups;
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
    private final Impact impact;
    private final ChannelSender sender;
    private final Contacts contacts;
    private final Templates templates;
    private final AuditLog audit;
    private final MessageRenderer renderer;
    private final SecretBox secretBox;
    private Pipeline pipeline;

    private Herald(HeraldConfig config, HeraldSettings settings, Metrics metrics, Database db, Coordination coordination, SecretBox box) {
        this.config = config;
        this.secretBox = box;
        this.settings = settings;
        this.metrics = metrics;
        this.db = db;
        this.coordination = coordination;
        this.keys = new ApiKeys(db, settings.http());
        this.audit = new AuditLog(db, settings.pipeline().delivery().retention());
        this.backups = new BackupSchedule(db, settings.backup(), metrics.registry(), java.time.Clock.systemUTC());
        this.organizations = new Organizations(db);
        this.graph = new Graph(db, settings.graph());
        this.locations = new Locations(db);
        this.incidents = new Incidents(db);
        this.outages = new Outages(db);
        this.internetOutages = new InternetOutages(db);
        this.assetTypes = new AssetTypes(db);
        this.assets = new Assets(db);
        this.intelRequests = new IntelRequests(db);
        this.currentIncidents = CurrentIncidents.start(db, settings.current());
        this.impact = new Impact(db, settings.graph(), dev.herald.impact.ImpactSettings.from(config), metrics.registry());
        impact.syncDefaultDistance();
        this.sender = ChannelSender.fromSettings(settings.webhook(), settings.smtp(), metrics, box);
        this.contacts = new Contacts(db, box);
        this.templates = new Templates(db, settings.templates());
        this.renderer = new PebbleMessageRenderer(templates);
    }

    /**
     * Builds every feature's settings, opens the database (embedded or external), migrates it, and wires the features.
     *
     * @throws dev.herald.config.ConfigException when settings that must agree do not (before anything is opened)
     */
    public static Herald open(HeraldConfig config) {
        HeraldSettings settings = HeraldSettings.from(config);
        SecretBox box = new SecretBox(MasterKeys.open(settings.secrets())); // a missing key file stops the start here
        Metrics metrics = new Metrics();
        // Redis first: an unreachable redis.url stops the start before anything else is opened.
        Coordination coordination = Coordination.create(settings, metrics);
        Database db = null;
        try {
            db = Database.open(settings.db(), metrics);
            sealSecretsAtStart(db, box, settings);
        } catch (RuntimeException e) {
            if (db != null) db.close();
            coordination.close();
            throw e;
        }
        return new Herald(config, settings, metrics, db, coordination, box);
    }

    /**
     * The start-up step of secrets at rest: refuses to start when stored secrets are sealed under a master key this
     * process does not have (naming the settings that give one), then seals, in one transaction, every secret not yet
     * sealed under the current key (plaintext rows from before encryption, fixtures). Without any key (an external
     * database with neither master.key nor master.key-file) secrets stay plaintext, with a warning when there are any.
     */
    private static void sealSecretsAtStart(Database db, SecretBox box, HeraldSettings settings) {
        List<String> missing = ContactSecrets.keyIdsInUse(db).stream().filter(id -> box.keys().find(id).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new dev.herald.config.ConfigException("the database holds secrets sealed under master key " + String.join(", ", missing)
                    + ", which this Herald does not have; " + SecretsSettings.howToGiveAKey()
                    + (settings.secrets().embedded() && settings.secrets().keyFile().isEmpty() && settings.secrets().inlineKey().isEmpty()
                    ? " (or put the key file of this database at " + settings.secrets().dataDir().resolve(SecretsSettings.EMBEDDED_KEY_FILE) + ")" : ""));
        }
        if (!box.canSeal()) {
            if (ContactSecrets.anyPlaintext(db)) log.warn("secrets (webhook signing secrets, outbound auth) are stored in plain text: {}", SecretsSettings.howToGiveAKey());
            return;
        }
        int sealed = ContactSecrets.sealAll(db, box);
        if (sealed > 0) log.info("sealed the secrets of {} contacts under master key {}", sealed, box.keys().current().orElseThrow().id());
    }

    /** What {@link #rotateMasterKey} did: the keys retired, the new one, how many contacts were sealed again. */
    public record MasterKeyRotation(List<String> retired, String current, int contacts) {}

    /**
     * Rotates the master key: a new key becomes current in the key file (the old ones stay there and readable), every
     * stored secret is sealed again under it in one transaction, and only then are the old keys removed from the file.
     * If the transaction fails nothing in the database changed; the new key stays current beside the old ones (both
     * readable), and a later rotation or start finishes the job.
     *
     * @throws IllegalStateException when the key does not come from a file (master.key), or a value is left under an old key
     */
    public MasterKeyRotation rotateMasterKey() {
        MasterKeys keys = secretBox.keys();
        List<String> before = keys.ids();
        MasterKeys.Key fresh = keys.addNewCurrent();
        int n = db.write("Secrets.ROTATE", c -> {
            int contacts = ContactSecrets.sealAll(c, secretBox);
            Idempotency.sealAll(c, secretBox); // stored responses may carry a secret shown once
            return contacts;
        });
        List<String> left = ContactSecrets.keyIdsInUse(db).stream().filter(id -> !id.equals(fresh.id())).toList();
        if (!left.isEmpty()) {
            throw new IllegalStateException("secrets under master key " + String.join(", ", left) + " were written while rotating; run the rotation again (old keys kept)");
        }
        keys.retireAllBut(fresh.id());
        return new MasterKeyRotation(before, fresh.id(), n);
    }

    /** Seals and opens the secrets stored in the database, under this process's master keys. */
    public SecretBox secretBox() { return secretBox; }

    /** The OpenAPI document: the routes' contract with the event catalog as its webhooks. */
    public static dev.herald.api.OpenApi openApi() {
        return new dev.herald.api.OpenApi(dev.herald.events.EventCatalog.standard().types().stream()
                .map(t -> new dev.herald.api.OpenApi.Webhook(t.type(), t.description(), t.schema())).toList());
    }

    /** The routes of every feature, in registration order. */
    public List<Routes> routes() {
        List<Routes> r = new ArrayList<>();
        ApiSettings api = settings.api();
        r.add(currentIncidents.routes(api)); // first: /incidents/current must not be taken for /incidents/{id}
        r.add(organizations.routes(keys, settings.pipeline().delivery().maxRetryHorizon()));
        r.add(keys.routes(api));
        r.add(audit.routes(api));
        r.add(new dev.herald.events.EventRoutes(dev.herald.events.EventCatalog.standard()));
        r.add(openApi().routes());
        r.add(new dev.herald.console.ConsoleRoutes(keys, new dev.herald.pipeline.PipelineStats(db), config.get(Settings.CONSOLE_API_TIMEOUT)));
        r.add(graph.routes(api));
        r.add(impact.routes(api)); // before the record routes: /assets/{id}/impact
        r.add(Pipeline.routes(db, api, defaultParts()));
        // record routes last: GET /incidents/{id} must not shadow fixed paths such as /incidents/current (first match wins)
        r.add(locations.routes(api));
        r.add(assets.routes(assetTypes, api));
        r.add(outages.routes(internetOutages));
        Dependencies dependencies = new Dependencies(graph, organizations, settings.graph());
        r.add(intelRequests.routes(dependencies, api));
        r.add(incidents.routes(dependencies, api));
        r.add(contacts.routes(organizations, settings.contacts(), api));
        r.add(templates.routes(organizations));
        return r;
    }

    /** Starts the HTTP API. */
    public HttpServer serveHttp() {
        return HttpServer.start(settings.http(), metrics, keys,
                new Idempotency(db, settings.http().idempotencyTtl(), settings.http().idempotencyWait(), secretBox), audit, this::health, routes());
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
        if (pipeline == null) {
            pipeline = new Pipeline(settings.pipeline(), db, metrics, parts);
            pipeline.alsoWhenConsumersStart(impact::startApplier); // impact is applied where the work is done
        }
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

    /** Every feature's typed settings, as this process was wired with them. */
    public HeraldSettings settings() { return settings; }

    public Metrics metrics() { return metrics; }

    public Database db() { return db; }

    public ApiKeys keys() { return keys; }

    /** Scheduled backups ({@code backup.schedule}); serve starts them. */
    public BackupSchedule backups() { return backups; }

    public Organizations organizations() { return organizations; }

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

    /** Impact: the state and event log (applied from the changes the triggers record), its rebuild and its reads. */
    public Impact impact() { return impact; }
    /** Sends a rendered notification through the contact's channel (webhook or email). */
    public Sender sender() { return sender; }

    /** Contacts: the API's view, and targets with secrets for senders. */
    public Contacts contacts() { return contacts; }

    /** Renders notifications with the organization's templates (or the defaults). */
    public MessageRenderer renderer() { return renderer; }

    public Templates templates() { return templates; }

    /** The audit log of state-changing API calls and CLI commands. */
    public AuditLog audit() { return audit; }

    @Override
    public void close() {
        synchronized (this) {
            if (pipeline != null) pipeline.close(); // consumers stop before the parts they use
        }
        impact.close();
        backups.close();
        sender.close();
        templates.close();
        keys.close();
        currentIncidents.close();
        graph.close();
        db.close();
        coordination.close();
    }
}

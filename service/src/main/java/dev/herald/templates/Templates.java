package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.herald.api.Routes;
import dev.herald.contacts.Channel;
import dev.herald.infra.Database;
import dev.herald.json.Json;
import dev.herald.organizations.Organizations;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Templates: the shipped defaults and each organization's overrides (table {@code templates}). An override is
 * validated before it is saved — it must compile and render on a sample context, and {@code webhook_body} must render
 * valid JSON — so a broken template is refused instead of breaking deliveries. Compiled templates are cached per
 * organization (TTL {@code cache.ttl.reference}, bounded) and invalidated on save in every process: the save announces
 * itself with NOTIFY and each process LISTENs (the TTL is the backstop while the feed is down). Thread-safe; close it.
 */
public final class Templates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Templates.class);
    static final String LOAD_ORG = "SELECT name, body FROM templates WHERE organization_id = ?";
    static final String FIND = "SELECT body, updated_at FROM templates WHERE organization_id = ? AND name = ?";
    static final String UPSERT = """
            INSERT INTO templates (organization_id, name, body) VALUES (?, ?, ?)
            ON CONFLICT (organization_id, name) DO UPDATE SET body = excluded.body, updated_at = now()
            RETURNING updated_at""";
    static final String DELETE = "DELETE FROM templates WHERE organization_id = ? AND name = ?";
    /** Announces a change to every process (delivered when the transaction commits). */
    static final String NOTIFY = "SELECT pg_notify('" + TemplateChangeListener.CHANNEL + "', ?)";

    /** A template as the API shows it; {@code updatedAt} is null for a default. */
    public record Stored(String name, String template, boolean isDefault, OffsetDateTime updatedAt) {}

    private final Database db;
    private final TemplateEngines engines;
    private final int maxChars;
    private final Map<TemplateName, String> defaultSources = new EnumMap<>(TemplateName.class);
    private final Map<TemplateName, PebbleTemplate> defaults = new EnumMap<>(TemplateName.class);
    /** The sample a preview shows (small, readable). Immutable. */
    private final Map<String, Object> sampleContext;
    /** The sample a saved template must render in time: realistic sizes ({@code delivery.template.sample-dependents}). */
    private final Map<String, Object> largeSample;
    private final int sampleDependents;
    private final RenderPool pool;
    private final OrganizationRenders orgRenders;
    private final LoadingCache<UUID, Map<TemplateName, PebbleTemplate>> byOrg;
    private final TemplateChangeListener listener;

    public Templates(Database db, TemplateSettings settings) {
        this.db = db;
        this.engines = new TemplateEngines(settings.maxRenderedChars());
        this.maxChars = settings.maxChars();
        for (TemplateName n : TemplateName.values()) {
            String src = resource("defaults/" + n.wire() + ".peb");
            defaultSources.put(n, src);
            defaults.put(n, engines.compile(n, src));
        }
        JsonNode sample = Json.readStored(resource("defaults/sample-context.json"), "sample context");
        this.sampleContext = FrozenContext.of(sample);
        this.sampleDependents = settings.sampleDependents();
        this.largeSample = FrozenContext.of(SampleContexts.widen(sample, settings.sampleDependents()));
        this.pool = new RenderPool(settings.renderThreads(), settings.renderQueue(), settings.renderTimeout(), settings.maxRenderedChars());
        this.orgRenders = new OrganizationRenders(settings.suspendAfterTimeout(), java.time.Duration.ofMillis(RenderPool.maxWaitMillis(settings.renderTimeout())),
                settings.maxEntries());
        this.byOrg = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheTtl())
                .maximumSize(settings.maxEntries())
                .build(this::load);
        this.listener = new TemplateChangeListener(db, settings.listenReconnectDelay(), settings.listenProbeInterval(),
                byOrg::invalidate, byOrg::invalidateAll).start();
    }

    /** True while changes made by other processes reach this one at once. */
    boolean listening() { return listener.listening(); }

    @Override
    public void close() {
        listener.close();
        pool.close();
    }

    /** The compiled template {@code name} of an organization: its override, else the default. */
    PebbleTemplate template(UUID organizationId, TemplateName name) {
        PebbleTemplate t = byOrg.get(organizationId).get(name);
        return t != null ? t : defaults.get(name);
    }

    /**
     * Renders {@code names} for an organization with the given variables, on one render thread under one render budget
     * (one message, one budget; one hand-off however many parts). An organization's own templates render one at a time
     * in this process, and when one runs past the timeout they are suspended (they fail at once) for
     * {@code delivery.template.suspend-after-timeout} or until it saves a template ({@link OrganizationRenders}), so one
     * organization cannot take the render threads, or keep taking render time, from the others.
     *
     * @return the renderings, in the order of {@code names}
     * @throws TemplateException when one fails, runs out of budget or is suspended; the caller's unit fails, nothing else
     */
    List<String> render(UUID organizationId, List<TemplateName> names, Map<String, Object> vars) {
        List<PebbleTemplate> compiled = new ArrayList<>(names.size());
        boolean anyOwn = false;
        for (TemplateName n : names) {
            PebbleTemplate t = template(organizationId, n);
            if (t != defaults.get(n)) {
                orgRenders.requireNotSuspended(organizationId, n.wire());
                anyOwn = true;
            }
            compiled.add(t);
        }
        if (!anyOwn) return renderOnPool(names, compiled, vars);
        return orgRenders.oneAtATime(organizationId, names.get(0).wire(), () -> {
            var failed = new java.util.concurrent.atomic.AtomicReference<TemplateName>(); // the part being rendered
            try {
                return renderOnPool(names, compiled, vars, failed);
            } catch (TemplateException e) {
                TemplateName n = failed.get();
                if (n != null && compiled.get(names.indexOf(n)) != defaults.get(n) && e.getCause() instanceof RenderBudget.Exceeded x && x.time) {
                    orgRenders.suspend(organizationId, n.wire());
                }
                throw e;
            }
        });
    }

    private List<String> renderOnPool(List<TemplateName> names, List<PebbleTemplate> compiled, Map<String, Object> vars) {
        return renderOnPool(names, compiled, vars, new java.util.concurrent.atomic.AtomicReference<>());
    }

    private List<String> renderOnPool(List<TemplateName> names, List<PebbleTemplate> compiled, Map<String, Object> vars,
                                      java.util.concurrent.atomic.AtomicReference<TemplateName> failed) {
        return pool.render(names.get(0).wire(), budget -> {
            List<String> out = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                TemplateName n = names.get(i);
                failed.set(n);
                out.add(TemplateEngines.render(n, compiled.get(i), vars, compiled.get(i) != defaults.get(n), budget));
            }
            failed.set(null);
            return out;
        });
    }

    /** True while an organization's own templates are suspended after one ran out of render time. */
    boolean suspended(UUID organizationId) {
        return orgRenders.suspended(organizationId);
    }

    /** The organization's template (override or default). */
    public Stored get(UUID organizationId, TemplateName name) {
        return db.read("Templates.FIND", c -> {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setObject(1, organizationId);
                ps.setString(2, name.wire());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return new Stored(name.wire(), rs.getString(1), false, rs.getObject(2, OffsetDateTime.class));
                    return new Stored(name.wire(), defaultSources.get(name), true, null);
                }
            }
        });
    }

    /**
     * Validates and saves an override; returns it with a rendering of the sample context.
     *
     * @throws TemplateException when it is too long, does not compile, does not render, or (webhook_body) is not JSON;
     *                           nothing is saved then
     */
    public Saved save(UUID organizationId, TemplateName name, String source) {
        // one organization's saves take render threads one at a time, as its deliveries do
        String preview = orgRenders.oneAtATime(organizationId, name.wire(), false, () -> validate(name, source));
        OffsetDateTime at = db.writeIdempotent("Templates.UPSERT", c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setObject(1, organizationId);
                ps.setString(2, name.wire());
                ps.setString(3, source);
                OffsetDateTime updated;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    updated = rs.getObject(1, OffsetDateTime.class);
                }
                notifyChange(c, organizationId);
                return updated;
            }
        });
        byOrg.invalidate(organizationId);
        orgRenders.lift(organizationId); // the new template rendered the large sample in time
        return new Saved(new Stored(name.wire(), source, false, at), preview);
    }

    /** A saved override and what it rendered for the sample context. */
    public record Saved(Stored stored, String preview) {}

    /** Removes an override (back to the default); true when there was one. */
    public boolean reset(UUID organizationId, TemplateName name) {
        boolean removed = db.writeIdempotent("Templates.DELETE", c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setObject(1, organizationId);
                ps.setString(2, name.wire());
                boolean gone = ps.executeUpdate() == 1;
                notifyChange(c, organizationId);
                return gone;
            }
        });
        byOrg.invalidate(organizationId);
        return removed;
    }

    /** Compiles and renders on the sample context; the rendering, or a {@link TemplateException} saying what is wrong. */
    String validate(TemplateName name, String source) {
        if (source == null || source.isBlank()) throw new TemplateException(name.wire() + " must not be empty", null);
        if (source.length() > maxChars) {
            throw new TemplateException(name.wire() + " is " + source.length() + " characters, above delivery.template.max-chars " + maxChars, null);
        }
        PebbleTemplate t;
        try {
            t = engines.compile(name, source);
        } catch (RuntimeException | StackOverflowError e) {
            throw new TemplateException(name.wire() + " does not compile: " + TemplateEngines.message(e), e);
        }
        PebbleTemplate compiled = t;
        String out = pool.render(name.wire(), budget -> TemplateEngines.render(name, compiled, sampleVars(name, sampleContext), true, budget));
        try {
            pool.render(name.wire(), budget -> TemplateEngines.render(name, compiled, sampleVars(name, largeSample), true, budget));
        } catch (TemplateException e) {
            throw new TemplateException(e.getMessage() + " (on a sample with " + sampleDependents + " dependents and assets)", e.getCause());
        }
        if (name == TemplateName.EMAIL_SUBJECT && out.isBlank()) {
            throw new TemplateException("email_subject renders an empty subject for the sample context", null);
        }
        return out;
    }

    /** The variables templates see for a sample context (as {@link PebbleMessageRenderer#variables} builds them). */
    static Map<String, Object> sampleVars(TemplateName name, Map<String, Object> sample) {
        Channel channel = name == TemplateName.WEBHOOK_BODY ? Channel.WEBHOOK : Channel.EMAIL;
        return PebbleMessageRenderer.variables(sample, "incident.updated", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                UUID.fromString("00000000-0000-4000-8000-00000000000c"), channel);
    }

    private Map<TemplateName, PebbleTemplate> load(UUID organizationId) {
        Map<TemplateName, String> rows = db.read("Templates.LOAD_ORG", c -> {
            Map<TemplateName, String> m = new EnumMap<>(TemplateName.class);
            try (PreparedStatement ps = c.prepareStatement(LOAD_ORG)) {
                ps.setObject(1, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) m.put(TemplateName.parse(rs.getString(1)), rs.getString(2));
                }
            }
            return m;
        });
        Map<TemplateName, PebbleTemplate> compiled = new EnumMap<>(TemplateName.class);
        rows.forEach((n, src) -> {
            try {
                compiled.put(n, engines.compile(n, src));
            } catch (RuntimeException e) {
                log.warn("organization {} template {} no longer compiles ({}); using the default", organizationId, n.wire(), TemplateEngines.message(e));
            }
        });
        return compiled;
    }

    private static void notifyChange(java.sql.Connection c, UUID organizationId) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
            ps.setString(1, organizationId.toString());
            ps.execute();
        }
    }


    private static String resource(String path) {
        try (InputStream in = Templates.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP routes of template overrides. */
    public Routes routes(Organizations organizations) {
        return new TemplateRoutes(this, organizations);
    }
}

package dev.herald.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.herald.json.Json;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.extension.escaper.SafeString;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.error.ClassAccessException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Map;

/**
 * One Pebble engine per output format: JSON (values escaped as JSON string content, plus a {@code json} filter that
 * prints any value as a JSON literal), HTML (HTML-escaped) and plain text (not escaped). Templates see only immutable
 * maps, lists and scalars and run in {@link TemplateSandbox} (no method calls, no file-reaching tags, budget checks at
 * every block) under a {@link RenderBudget}, so a saved template cannot run away. Engines do not cache;
 * {@link Templates} does. Thread-safe.
 */
final class TemplateEngines {
    private final PebbleEngine json;
    private final PebbleEngine html;
    private final PebbleEngine text;

    TemplateEngines(int maxRenderedChars) {
        this.json = base(maxRenderedChars).autoEscaping(true)
                .addEscapingStrategy("json", TemplateEngines::jsonContent).defaultEscapingStrategy("json").build();
        this.html = base(maxRenderedChars).autoEscaping(true).defaultEscapingStrategy("html").build();
        this.text = base(maxRenderedChars).autoEscaping(false).build();
    }

    private static PebbleEngine.Builder base(int maxRenderedChars) {
        return new PebbleEngine.Builder()
                .loader(new StringLoader())
                .cacheActive(false)
                .strictVariables(false)
                .newLineTrimming(false) // a text template's line breaks are its layout
                .maxRenderedSize(maxRenderedChars) // counts what macros write too, not only the final output
                .methodAccessValidator(TemplateSandbox.NO_METHODS)
                .allowOverrideCoreOperators(true) // TemplateSandbox.Guards bounds ~ and +
                .extension(new JsonExtension(), new TemplateSandbox.Guards())
                .registerExtensionCustomizer(TemplateSandbox::customizer);
    }

    /** Compiles a template of that name's format; {@link PebbleException} when it does not parse. */
    PebbleTemplate compile(TemplateName name, String source) {
        PebbleEngine engine = switch (name.format) {
            case JSON -> json;
            case HTML -> html;
            case TEXT -> text;
        };
        return engine.getLiteralTemplate(source);
    }

    /**
     * Bound of the render memos (a context's template variables, the JSON text of its maps and lists), which only need
     * to outlive the few milliseconds between the contacts of one change; each entry is tens of KB.
     */
    static final int MEMO_ENTRIES = 1_000;

    /**
     * Renders a compiled template on this thread under {@code budget}; any failure is a {@link TemplateException}
     * (whose cause is a {@link RenderBudget.Exceeded} when the budget ran out). {@code checkJson}: parse a webhook body
     * to prove it is JSON (needed for an organization's own template; the shipped one writes every value through the
     * {@code json} filter, so it cannot produce anything else).
     */
    static String render(TemplateName name, PebbleTemplate template, Map<String, Object> vars, boolean checkJson, RenderBudget budget) {
        Writer out = budget.writer();
        try {
            budget.run(() -> {
                try {
                    template.evaluate(out, vars);
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new TemplateException(name.wire() + " failed to render: " + message(e), exceeded(e));
        }
        String s = out.toString();
        if (checkJson && name == TemplateName.WEBHOOK_BODY) {
            try {
                Json.mapper().readTree(s);
            } catch (JsonProcessingException e) {
                throw new TemplateException("webhook_body did not render valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
            }
        }
        return s;
    }

    /** The budget's exception behind {@code e}, else {@code e}. */
    private static Throwable exceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RenderBudget.Exceeded) return t;
        }
        return e;
    }

    /** A fully qualified Java class name inside a message (Pebble's messages name them). */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:class )?(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:\\.[a-zA-Z0-9_$]+\\([^)]*\\))?");

    /** What went wrong, in one line that names no Java class. */
    static String message(Throwable e) {
        if (e instanceof StackOverflowError) return "recursion too deep";
        if (e instanceof OutOfMemoryError) return "builds more than the memory it may use";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RenderBudget.Exceeded x) return x.getMessage();
            if (t instanceof ClassAccessException c) {
                return "templates cannot call methods, only read values (e.g. incident.title) and use filters" + line(c);
            }
        }
        String m = e.getMessage();
        if (m == null) return "failed";
        String first = m.lines().findFirst().orElse(m);
        if (first.startsWith("Tried to write more than")) {
            return "renders more than delivery.template.max-rendered-chars characters" + (e instanceof PebbleException p ? line(p) : "");
        }
        return CLASS_NAME.matcher(first).replaceAll("value");
    }

    private static String line(PebbleException e) {
        return e.getLineNumber() == null ? "" : " (line " + e.getLineNumber() + ")";
    }

    /** Escapes a value for the inside of a JSON string literal. */
    static String jsonContent(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }

    /** {@code {{ value | json }}}: the value as a JSON literal (strings quoted, maps and lists as objects and arrays). */
    static final class JsonExtension extends AbstractExtension {
        /**
         * JSON text of maps and lists already written, by identity: a notification context is shared by every contact
         * of its subject (and never changed once built), so its text is written once, not once per contact.
         */
        private final com.github.benmanes.caffeine.cache.Cache<Object, String> written =
                com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().maximumSize(MEMO_ENTRIES).build();

        @Override
        public Map<String, Filter> getFilters() {
            return Map.of("json", new Filter() {
                @Override
                public List<String> getArgumentNames() { return List.of(); }

                @Override
                public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext ctx, int line) {
                    try {
                        Object v = input instanceof SafeString s ? s.toString() : input;
                        if (v instanceof Map<?, ?> || v instanceof List<?>) {
                            String text = written.getIfPresent(v);
                            if (text == null) {
                                text = Json.mapper().writeValueAsString(v);
                                written.put(v, text);
                            }
                            return new SafeString(text);
                        }
                        return new SafeString(Json.mapper().writeValueAsString(v));
                    } catch (JsonProcessingException e) {
                        throw new PebbleException(e, "value cannot be written as JSON", line, self.getName());
                    }
                }
            });
        }
    }
}

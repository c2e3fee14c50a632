package dev.herald.templates;

import io.pebbletemplates.pebble.attributes.methodaccess.MethodAccessValidator;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.AbstractNodeVisitor;
import io.pebbletemplates.pebble.extension.Extension;
import io.pebbletemplates.pebble.extension.ExtensionCustomizer;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.extension.NodeVisitorFactory;
import io.pebbletemplates.pebble.extension.core.CoreExtension;
import io.pebbletemplates.pebble.node.AbstractRenderableNode;
import io.pebbletemplates.pebble.node.BodyNode;
import io.pebbletemplates.pebble.node.ForNode;
import io.pebbletemplates.pebble.node.expression.AddExpression;
import io.pebbletemplates.pebble.node.expression.ConcatenateExpression;
import io.pebbletemplates.pebble.operator.Associativity;
import io.pebbletemplates.pebble.operator.BinaryOperator;
import io.pebbletemplates.pebble.operator.BinaryOperatorImpl;
import io.pebbletemplates.pebble.operator.BinaryOperatorType;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import java.io.Writer;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a saved template may do: read data (map entries, list items, {@code loop.*}) and use Pebble's tags, tests and
 * filters, and nothing else.
 * <ul>
 *   <li>No method calls at all ({@link #NO_METHODS}): {@code incident.title.toUpperCase()} or
 *       {@code organization.clear()} fail the render; only Pebble's own loop variables are read through getters.</li>
 *   <li>No tag, function or operator that reaches files, other templates, threads or builds unbounded ranges
 *       ({@code include}, {@code import}, {@code parallel}, {@code range}, {@code ..}, {@code i18n}, ...).</li>
 *   <li>A {@link RenderBudget} check at the start of every block body — each loop iteration, each macro call, each
 *       branch taken — so nested loops and macro fan-out stop at the deadline.</li>
 *   <li>Every string or list a template builds ({@code ~}, {@code +}, {@code replace} and every other filter) is held
 *       to the output cap before it is built (or right after, for filters whose result is at most linear in their input).</li>
 * </ul>
 * Stateless; thread-safe.
 */
final class TemplateSandbox {
    private TemplateSandbox() {}

    /** Denies every method, except the getters of Pebble's own {@code loop} variable (index, first, last, length...). */
    static final MethodAccessValidator NO_METHODS = (Object object, Method method) ->
            method.getDeclaringClass() == ForNode.LoopVariables.class;

    private static final Set<String> DISALLOWED_TAGS = Set.of("include", "import", "from", "extends", "embed", "cache", "parallel");
    private static final Set<String> DISALLOWED_FUNCTIONS = Set.of("range", "i18n", "block", "parent");
    private static final Set<String> DISALLOWED_OPERATORS = Set.of("..");
    /** Filters left as they are: {@code default} must stay Pebble's own class (Pebble special-cases it). */
    private static final Set<String> UNWRAPPED_FILTERS = Set.of("default");

    /** Applied by Pebble to its own extensions: removes what is disallowed and guards each core filter. */
    static ExtensionCustomizer customizer(Extension delegate) {
        boolean core = delegate instanceof CoreExtension;
        return new ExtensionCustomizer(delegate) {
            @Override
            public Map<String, Filter> getFilters() {
                Map<String, Filter> filters = super.getFilters();
                if (filters == null || !core) return filters;
                Map<String, Filter> out = new HashMap<>();
                filters.forEach((name, f) -> out.put(name, UNWRAPPED_FILTERS.contains(name) ? f : guarded(f)));
                return out;
            }

            @Override
            public Map<String, Function> getFunctions() {
                Map<String, Function> functions = super.getFunctions();
                if (functions == null) return null;
                Map<String, Function> out = new HashMap<>(functions);
                out.keySet().removeAll(DISALLOWED_FUNCTIONS);
                return out;
            }

            @Override
            public List<io.pebbletemplates.pebble.tokenParser.TokenParser> getTokenParsers() {
                var parsers = super.getTokenParsers();
                return parsers == null ? null : parsers.stream().filter(p -> !DISALLOWED_TAGS.contains(p.getTag())).toList();
            }

            @Override
            public List<BinaryOperator> getBinaryOperators() {
                var ops = super.getBinaryOperators();
                return ops == null ? null : ops.stream().filter(o -> !DISALLOWED_OPERATORS.contains(o.getSymbol())).toList();
            }
        };
    }

    /** Herald's own extension: the budget checks, and bounded {@code ~}, {@code +} and {@code replace}. */
    static final class Guards extends AbstractExtension {
        @Override
        public List<NodeVisitorFactory> getNodeVisitors() {
            return List.of(template -> new AbstractNodeVisitor((PebbleTemplateImpl) template) {
                @Override
                public void visit(BodyNode node) {
                    super.visit(node);
                    List<io.pebbletemplates.pebble.node.RenderableNode> children = node.getChildren();
                    if (children.isEmpty() || children.get(0) != CHECK) children.add(0, CHECK);
                }
            });
        }

        @Override
        public List<BinaryOperator> getBinaryOperators() {
            // same symbols and precedence as Pebble's core operators, which these replace
            return List.of(new BinaryOperatorImpl("~", 110, BoundedConcat::new, BinaryOperatorType.NORMAL, Associativity.LEFT),
                    new BinaryOperatorImpl("+", 40, BoundedAdd::new, BinaryOperatorType.NORMAL, Associativity.LEFT));
        }

        @Override
        public Map<String, Filter> getFilters() {
            return Map.of("replace", new BoundedReplace());
        }
    }

    /** Checks the budget where it stands: the first child of every block body. */
    private static final AbstractRenderableNode CHECK = new AbstractRenderableNode() {
        @Override
        public void render(PebbleTemplateImpl self, Writer writer, EvaluationContextImpl context) {
            RenderBudget.check();
        }

        @Override
        public void accept(NodeVisitor visitor) {
            visitor.visit(this);
        }
    };

    static long sizeOf(Object v) {
        if (v instanceof CharSequence s) return s.length();
        if (v instanceof Collection<?> c) return c.size();
        if (v instanceof Map<?, ?> m) return m.size();
        return 0;
    }

    private static Filter guarded(Filter f) {
        return new Filter() {
            @Override
            public List<String> getArgumentNames() { return f.getArgumentNames(); }

            @Override
            public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext ctx, int line) {
                RenderBudget.check();
                if (input instanceof Collection<?> items && f instanceof io.pebbletemplates.pebble.extension.core.JoinFilter) {
                    long chars = 0; // the joined text is built whole: count it first
                    for (Object item : items) chars += item instanceof CharSequence cs ? cs.length() + 16 : 32;
                    RenderBudget.checkSize(chars);
                }
                Object out = f.apply(input, args, self, ctx, line);
                RenderBudget.checkSize(sizeOf(out));
                return out;
            }
        };
    }

    /** {@code a ~ b}, refused before it builds a string past the cap. */
    static final class BoundedConcat extends ConcatenateExpression {
        @Override
        public String evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
            Object left = getLeftExpression().evaluate(self, context);
            Object right = getRightExpression().evaluate(self, context);
            if (left instanceof Collection<?> || left instanceof Map<?, ?> || right instanceof Collection<?> || right instanceof Map<?, ?>) {
                // a list's text is the text of all its items: built before any check could see its size
                throw new io.pebbletemplates.pebble.error.PebbleException(null, "~ joins text and numbers, not lists or maps",
                        getLineNumber(), self.getName());
            }
            String l = left == null ? "" : left.toString();
            String r = right == null ? "" : right.toString();
            RenderBudget.checkSize((long) l.length() + r.length());
            return l + r;
        }
    }

    /** {@code a + b}: Pebble's addition (numbers, or a list or map grown by one), held to the cap. */
    static final class BoundedAdd extends AddExpression {
        @Override
        public Object evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
            Object out = super.evaluate(self, context);
            RenderBudget.checkSize(sizeOf(out));
            return out;
        }
    }

    /** {@code s | replace({"a": "b"})}: computes the length of each step's result before building it. */
    static final class BoundedReplace implements Filter {
        @Override
        public List<String> getArgumentNames() { return List.of("replace_pairs"); }

        @Override
        public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext ctx, int line) {
            if (input == null) return null;
            if (!(args.get("replace_pairs") instanceof Map<?, ?> pairs)) {
                throw new io.pebbletemplates.pebble.error.PebbleException(null, "replace needs a map of replacements, e.g. replace({\"a\": \"b\"})", line, self.getName());
            }
            String data = input.toString();
            for (Map.Entry<?, ?> e : new LinkedHashMap<>(pairs).entrySet()) {
                String from = String.valueOf(e.getKey());
                String to = String.valueOf(e.getValue());
                long n = occurrences(data, from);
                RenderBudget.checkSize(data.length() + n * (to.length() - from.length()));
                data = data.replace(from, to);
            }
            return data;
        }

        private static long occurrences(String s, String of) {
            if (of.isEmpty()) return s.length() + 1L;
            long n = 0;
            for (int i = s.indexOf(of); i >= 0; i = s.indexOf(of, i + of.length())) n++;
            return n;
        }
    }
}

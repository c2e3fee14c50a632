package dev.herald.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.testing.TestPostgres;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every index says which query it serves, and the query exists: each index that does not back a constraint carries a
 * comment naming at least one query, as {@code Class.CONSTANT} (a static field holding the statement, of a class with that simple
 * name anywhere under {@code dev.herald}) or as a SQL function of the schema. Comments that outlive their queries
 * mislead whoever tunes the schema next; this keeps them true.
 */
class IndexCommentsTest {
    static final Pattern JAVA_QUERY = Pattern.compile("\\b([A-Z]\\w+)\\.([A-Z][A-Z0-9_]+)\\b");
    static final Pattern SQL_FUNCTION = Pattern.compile("\\b([a-z]+(?:_[a-z]+)+)\\(\\)");
    static Herald herald;

    @BeforeAll
    static void open() {
        herald = Herald.open(TestPostgres.freshConfig());
    }

    @AfterAll
    static void close() {
        herald.close();
    }

    @Test
    void everyIndexCommentNamesAQueryThatExists() throws Exception {
        Map<String, String> comments = indexComments();
        Set<String> functions = functions();
        Map<String, Class<?>> classes = classesBySimpleName();
        List<String> problems = new ArrayList<>();
        comments.forEach((index, comment) -> problems.addAll(problems(index, comment, functions, classes)));
        assertThat(comments).as("indexes found").isNotEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void aCommentNamingAMissingQueryIsCaught() throws Exception {
        Set<String> functions = functions();
        Map<String, Class<?>> classes = classesBySimpleName();
        assertThat(problems("x_idx", "serves WorkQueue.NO_SUCH_QUERY", functions, classes)).hasSize(1);
        assertThat(problems("x_idx", "serves NoSuchClass.CLAIM", functions, classes)).hasSize(1);
        assertThat(problems("x_idx", "serves no_such_function()", functions, classes)).hasSize(1);
        assertThat(problems("x_idx", "serves something", functions, classes)).hasSize(1);
        assertThat(problems("x_idx", null, functions, classes)).hasSize(1);
        assertThat(problems("x_idx", "serves WorkQueue.CLAIM and herald_enqueue()", functions, classes)).isEmpty();
    }

    static List<String> problems(String index, String comment, Set<String> functions, Map<String, Class<?>> classes) {
        List<String> out = new ArrayList<>();
        if (comment == null) {
            out.add(index + ": no comment naming the query it serves");
            return out;
        }
        int named = 0;
        Matcher j = JAVA_QUERY.matcher(comment);
        while (j.find()) {
            named++;
            Class<?> c = classes.get(j.group(1));
            if (c == null || !hasStatic(c, j.group(2))) out.add(index + ": names " + j.group() + ", which does not exist");
        }
        Matcher f = SQL_FUNCTION.matcher(comment);
        while (f.find()) {
            named++;
            if (!functions.contains(f.group(1))) out.add(index + ": names SQL function " + f.group(1) + "(), which does not exist");
        }
        if (named == 0) out.add(index + ": comment names no query (Class.CONSTANT or sql_function()): " + comment);
        return out;
    }

    private static boolean hasStatic(Class<?> c, String name) {
        try {
            Field field = c.getDeclaredField(name);
            return Modifier.isStatic(field.getModifiers()); // the SQL text, or a statement object built from it (ListSql)
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    /** Indexes of the public schema that do not back a constraint (primary keys and unique constraints explain themselves). */
    private static Map<String, String> indexComments() {
        return herald.db().read("test", c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT i.relname, obj_description(i.oid, 'pg_class')
                    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
                    WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
                      AND NOT i.relispartition -- a partition's index is the partitioned index's, commented there
                      AND i.relname <> 'flyway_schema_history_s_idx'
                    ORDER BY 1""")) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    private static Set<String> functions() {
        return herald.db().read("test", c -> {
            Set<String> out = new HashSet<>();
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'")) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    /** Every class compiled from the main sources, by simple name (found from where {@link Herald} was loaded). */
    static Map<String, Class<?>> classesBySimpleName() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Herald.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Class<?>> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/herald"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, IndexCommentsTest.class.getClassLoader());
                out.put(c.getSimpleName(), c);
            }
        }
        return out;
    }
}

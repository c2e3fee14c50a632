package dev.herald.bench.repeat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Merges the JSON results of N runs of one benchmark into one document: every number becomes the median of the runs'
 * values at the same place (objects by field name, arrays by position), every boolean the majority, anything else the
 * first run's value. Beside it, {@code repeat} says how many runs there were, each run's load ({@code load} of
 * {@link dev.herald.bench.BenchReport}), and per numeric figure (by its path, e.g. {@code rates[2].e2e_p99_ms}) its min
 * and max (the load's by run only), so a reader sees the spread and the gate reads the median where it read the single figure before. Pure
 * function; thread-safe.
 */
public final class MedianMerge {
    private MedianMerge() {}

    /** The merged document; {@code runs} must hold at least one object. */
    public static ObjectNode merge(List<? extends JsonNode> runs) {
        if (runs.isEmpty()) throw new IllegalArgumentException("no run to merge");
        ObjectNode spread = JsonNodeFactory.instance.objectNode();
        ObjectNode merged = (ObjectNode) mergeAt("", new ArrayList<>(runs), spread);
        merged.remove("repeat");
        if (runs.getFirst().has("load") && runs.getLast().has("load")) {
            // the whole series' load: the first run's start, the last run's end, busy and steal as the runs' medians
            ObjectNode load = (ObjectNode) merged.get("load");
            load.set("start", runs.getFirst().path("load").path("start").deepCopy());
            load.set("end", runs.getLast().path("load").path("end").deepCopy());
            load.remove(List.of("steal_start_jiffies", "steal_end_jiffies"));
        }
        ObjectNode repeat = merged.putObject("repeat");
        repeat.put("runs", runs.size());
        repeat.put("how", "each figure is the median of the runs (booleans: the majority); spread gives min and max per figure");
        ArrayNode loads = repeat.putArray("loads");
        for (JsonNode r : runs) loads.add(r.path("load").deepCopy());
        repeat.set("spread", spread);
        return merged;
    }

    private static JsonNode mergeAt(String path, List<JsonNode> values, ObjectNode spread) {
        JsonNode first = values.getFirst();
        if (first.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = first.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<JsonNode> same = new ArrayList<>();
                for (JsonNode v : values) if (v.has(e.getKey())) same.add(v.get(e.getKey()));
                out.set(e.getKey(), mergeAt(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), same, spread));
            }
            return out;
        }
        if (first.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < first.size(); i++) {
                List<JsonNode> same = new ArrayList<>();
                for (JsonNode v : values) if (v.isArray() && v.size() > i) same.add(v.get(i));
                out.add(mergeAt(path + "[" + i + "]", same, spread));
            }
            return out;
        }
        if (first.isNumber()) {
            double[] xs = values.stream().filter(JsonNode::isNumber).mapToDouble(JsonNode::asDouble).toArray();
            Arrays.sort(xs);
            double median = xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
            if (values.size() > 1 && !path.startsWith("load.")) {
                ObjectNode s = spread.putObject(path);
                s.put("min", xs[0]);
                s.put("max", xs[xs.length - 1]);
            }
            boolean integral = values.stream().allMatch(JsonNode::isIntegralNumber) && median == Math.rint(median);
            return integral ? JsonNodeFactory.instance.numberNode((long) median) : JsonNodeFactory.instance.numberNode(median);
        }
        if (first.isBoolean()) {
            long yes = values.stream().filter(JsonNode::asBoolean).count();
            return JsonNodeFactory.instance.booleanNode(yes * 2 > values.size());
        }
        return first.deepCopy();
    }
}

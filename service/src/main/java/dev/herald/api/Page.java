package dev.herald.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: {@code {"items": [...], "next_cursor": ..., "has_more": ..., "total"?: n}}.
 *
 * @param total present only when the caller asked for {@code count=true}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> items, String nextCursor, boolean hasMore, Long total) {

    /**
     * Builds a page from up to {@code limit + 1} rows: the extra row only tells that more exist.
     *
     * @param sortKey the sort key of an item, encoded into the next cursor
     * @param total   the total when asked for (e.g. from {@code COUNT(*) OVER()}, with a separate count when the page is empty), else null
     */
    public static <T> Page<T> of(List<T> rows, PageRequest req, Function<T, String> sortKey, Long total) {
        boolean more = rows.size() > req.limit();
        List<T> items = more ? List.copyOf(rows.subList(0, req.limit())) : List.copyOf(rows);
        String next = more && !items.isEmpty() ? PageRequest.encode(sortKey.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next, more, req.count() ? total : null);
    }
}

package dev.herald.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The paging part of a list call: {@code limit} (default and maximum from config), an opaque {@code cursor} and
 * {@code count=true} to ask for the total. Fetch {@code limit + 1} rows; {@link Page#of} turns them into a page.
 *
 * @param limit  items per page
 * @param after  the decoded cursor (the sort key of the last item of the previous page), or null for the first page
 * @param count  whether the caller asked for {@code total}
 */
public record PageRequest(int limit, String after, boolean count) {

    /** Reads {@code limit}, {@code cursor} and {@code count} from the query string; 400 for malformed values, 422 above the maximum. */
    public static PageRequest from(Context ctx, int defaultLimit, int maxLimit) {
        String rawLimit = ctx.queryParam("limit");
        int limit = defaultLimit;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("limit must be a whole number, got '" + rawLimit + "'");
            }
            if (limit < 1) {
                throw ApiException.badRequest("limit must be at least 1, got " + limit);
            }
            if (limit > maxLimit) {
                throw ApiException.unprocessable("limit " + limit + " is above the maximum of " + maxLimit);
            }
        }
        String cursor = ctx.queryParam("cursor");
        String after = cursor == null || cursor.isEmpty() ? null : decode(cursor);
        String rawCount = ctx.queryParam("count");
        boolean count = false;
        if (rawCount != null) {
            if (rawCount.equals("true")) count = true;
            else if (!rawCount.equals("false")) throw ApiException.badRequest("count must be true or false, got '" + rawCount + "'");
        }
        return new PageRequest(limit, after, count);
    }

    /** Encodes a sort key as an opaque cursor. */
    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor is malformed; pass back the next_cursor of the previous page");
        }
    }
}

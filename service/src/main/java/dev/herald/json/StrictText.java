package dev.herald.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.OffsetDateTime;

/**
 * The input checks every text and timestamp of a request passes, wherever it sits in a body: no NUL character and no
 * unpaired UTF-16 surrogate in a string (PostgreSQL refuses the first, and the second cannot be stored as UTF-8), and
 * timestamps between {@link #MIN_YEAR} and {@link #MAX_YEAR} (PostgreSQL's range is wider at the top but clamps far
 * dates to infinity, and no incident happens before the common era). A failure is a mapping error on the field, so
 * the API names the field. Stateless and thread-safe.
 */
final class StrictText {
    static final int MIN_YEAR = 1;
    static final int MAX_YEAR = 9999;

    private StrictText() {}

    /** The reason {@code s} cannot be stored as text, or null when it can. */
    static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) return "must not contain the NUL character (\\u0000)";
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain an unpaired UTF-16 surrogate";
            }
            if (Character.isLowSurrogate(c)) return "must not contain an unpaired UTF-16 surrogate";
        }
        return null;
    }

    /** Strings: the standard reading, then {@link #problem}. */
    static final class Strings extends StdScalarDeserializer<String> {
        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = StringDeserializer.instance.deserialize(p, ctxt);
            String why = s == null ? null : problem(s);
            if (why != null) throw ctxt.weirdStringException(s, String.class, why);
            return s;
        }
    }

    /** Timestamps: ISO-8601 with an offset, within the years above. */
    static final class Timestamps extends JsonDeserializer<OffsetDateTime> {
        @Override
        public OffsetDateTime deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (OffsetDateTime) ctxt.handleUnexpectedToken(OffsetDateTime.class, p);
            }
            OffsetDateTime t = InstantDeserializer.OFFSET_DATE_TIME.deserialize(p, ctxt);
            if (t != null && (t.getYear() < MIN_YEAR || t.getYear() > MAX_YEAR)) {
                throw ctxt.weirdStringException(p.getText(), OffsetDateTime.class,
                        "must be a timestamp between the years " + MIN_YEAR + " and " + MAX_YEAR);
            }
            return t;
        }
    }
}

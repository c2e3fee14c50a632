package dev.herald.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.testing.JsonSchemas;
import dev.herald.testing.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog as served: every type the issue names, each example valid against its own schema, and schemas that bite. */
class EventCatalogTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void servesEveryTypeWithADescriptionASchemaAndAValidExample() {
        var r = app.get("/event-types", app.orgKey);
        assertThat(r.status()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        for (JsonNode t : r.body().get("items")) {
            types.add(t.get("type").asText());
            assertThat(t.get("description").asText()).as(t.get("type").asText()).isNotBlank();
            assertThat(t.at("/schema/$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(JsonSchemas.errors(t.get("schema"), t.get("example"))).as(t.get("type").asText()).isEmpty();
        }
        assertThat(types).contains("incident.opened", "incident.updated", "incident.resolved", "outage.added",
                "outage.restoration_changed", "internet_outage.added", "intel_request.updated", "intel_request.created",
                "contact.failing", "contact.disabled", "delivery.exhausted", "herald.test");
        assertThat(types).doesNotHaveDuplicates();
    }

    @Test
    void aSchemaRefusesDataThatDoesNotMatchIt() {
        EventType opened = EventCatalog.standard().find("incident.opened").orElseThrow();
        ObjectNode missing = opened.example().deepCopy();
        missing.remove("incident");
        assertThat(JsonSchemas.errors(opened.schema(), missing)).isNotEmpty();
        ObjectNode badSeverity = opened.example().deepCopy();
        ((ObjectNode) badSeverity.get("incident")).put("severity", 9);
        assertThat(JsonSchemas.errors(opened.schema(), badSeverity)).isNotEmpty();
        ObjectNode extra = opened.example().deepCopy();
        extra.put("surprise", true);
        assertThat(JsonSchemas.errors(opened.schema(), extra)).isNotEmpty();
        ObjectNode badId = opened.example().deepCopy();
        ((ObjectNode) badId.get("incident")).put("id", "not-a-uuid");
        assertThat(JsonSchemas.errors(opened.schema(), badId)).as("formats are asserted").isNotEmpty();
    }

    @Test
    void oneTypeAndAMissingOne() {
        var one = app.get("/event-types/outage.added", app.orgKey);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().get("type").asText()).isEqualTo("outage.added");
        var missing = app.get("/event-types/outage.vanished", app.orgKey);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("not_found");
    }

    @Test
    void patternsNameTypesOrAreRefused() {
        EventCatalog c = EventCatalog.standard();
        assertThat(c.resolve("incident.*", "f")).extracting(EventType::type)
                .containsExactly("incident.opened", "incident.updated", "incident.resolved");
        assertThat(c.resolve("*", "f")).hasSize(c.types().size());
        assertThat(EventCatalog.matches("incident.*", "incident.opened")).isTrue();
        assertThat(EventCatalog.matches("incident.*", "intel_request.created")).isFalse();
        for (String bad : List.of("incident*", "*.opened", "incident.*.x", "INCIDENT.opened", "", "incident.", "nope.*", "incident.gone")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.resolve(bad, "subscription.types"))
                    .as(bad).hasMessageContaining("subscription.types");
        }
    }
}

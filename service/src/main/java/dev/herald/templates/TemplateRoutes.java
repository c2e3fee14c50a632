package dev.herald.templates;

import dev.herald.api.ApiException;
import dev.herald.api.Caller;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.organizations.Organizations;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code PUT /organizations/{id}/templates/{name}} ({@code {"template": "..."}}; 422 and nothing saved when it does
 * not compile, calls a method, does not render the sample context, or a sample of realistic size within the render
 * budget, or — for webhook_body — does not render JSON; the message names the template), {@code GET} of the same path (the
 * override or the default) and {@code DELETE} (back to the default). Names: webhook_body, email_subject, email_text,
 * email_html.
 */
final class TemplateRoutes implements Routes {
    private final Templates templates;
    private final Organizations organizations;

    TemplateRoutes(Templates templates, Organizations organizations) {
        this.templates = templates;
        this.organizations = organizations;
    }

    /** Body of {@code PUT /organizations/{id}/templates/{name}}. */
    record PutTemplate(String template) {}

    @Override
    public void register(Router r) {
        r.put("/organizations/{id}/templates/{name}", this::put);
        r.get("/organizations/{id}/templates/{name}", this::get);
        r.delete("/organizations/{id}/templates/{name}", this::reset);
    }

    void put(Context ctx) {
        UUID org = organization(ctx);
        TemplateName name = name(ctx);
        PutTemplate body = Requests.body(ctx, PutTemplate.class);
        if (body.template() == null) throw ApiException.unprocessable("template is required");
        Templates.Saved saved;
        try {
            saved = templates.save(org, name, body.template());
        } catch (TemplateException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
        Map<String, Object> out = view(saved.stored());
        out.put("preview", saved.preview());
        ctx.json(out);
    }

    void get(Context ctx) {
        UUID org = organization(ctx);
        ctx.json(view(templates.get(org, name(ctx))));
    }

    void reset(Context ctx) {
        UUID org = organization(ctx);
        templates.reset(org, name(ctx));
        ctx.status(204);
    }

    private static Map<String, Object> view(Templates.Stored s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("template", s.template());
        m.put("default", s.isDefault());
        m.put("updated_at", s.updatedAt());
        return m;
    }

    private static TemplateName name(Context ctx) {
        try {
            return TemplateName.parse(ctx.pathParam("name"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "not_found", e.getMessage());
        }
    }

    private UUID organization(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = Requests.pathUuid(ctx, "id");
        if (!caller.sees(org) || organizations.find(org).isEmpty()) {
            throw ApiException.notFound("organization " + org);
        }
        return org;
    }
}

package dev.herald.api;

import io.javalin.http.Context;

/**
 * {@code GET /openapi.json} (the contract), {@code GET /docs} (its rendered reference, Swagger UI from the jar's webjar)
 * and {@code GET /docs/init.js} (the page's one script, a file so the Content-Security-Policy needs no inline script).
 * None needs a key: they describe the API, they hold no organization's data.
 */
final class OpenApiRoutes implements Routes {
    /** The Swagger UI version of the webjar on the classpath (pom property swagger-ui.version). */
    static final String SWAGGER_UI = "5.35.0";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Herald API</title>
            <link rel="stylesheet" href="/webjars/swagger-ui/%1$s/swagger-ui.css"></head>
            <body><div id="swagger-ui"></div>
            <script src="/webjars/swagger-ui/%1$s/swagger-ui-bundle.js"></script>
            <script src="/docs/init.js"></script></body></html>
            """.formatted(SWAGGER_UI);
    private static final String INIT = "window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true});\n";

    private final OpenApi doc;

    OpenApiRoutes(OpenApi doc) {
        this.doc = doc;
    }

    @Override
    public void register(Router r) {
        r.get("/openapi.json", this::document);
        r.get("/docs", this::page);
        r.get("/docs/init.js", this::init);
    }

    void document(Context ctx) {
        ctx.contentType("application/json").result(doc.json());
    }

    void page(Context ctx) {
        ctx.header("Content-Security-Policy", CSP).contentType("text/html; charset=utf-8").result(PAGE);
    }

    void init(Context ctx) {
        ctx.contentType("text/javascript; charset=utf-8").result(INIT);
    }

    /** Paths served without a key. */
    static boolean open(String path) {
        return path.equals("/openapi.json") || path.equals("/docs") || path.equals("/docs/init.js") || path.startsWith("/webjars/");
    }
}

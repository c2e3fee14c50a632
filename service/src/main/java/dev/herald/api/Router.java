package dev.herald.api;

import io.javalin.http.Handler;

/** Where features declare their routes; a thin, stable face over the HTTP framework. */
public interface Router {
    void get(String path, Handler handler);

    void post(String path, Handler handler);

    void patch(String path, Handler handler);

    void put(String path, Handler handler);

    void delete(String path, Handler handler);
}

package dev.herald.api;

/** A feature's HTTP routes. Each feature registers its handlers (method references) on the {@link Router}. */
@FunctionalInterface
public interface Routes {
    void register(Router router);
}

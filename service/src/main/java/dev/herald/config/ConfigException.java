package dev.herald.config;

/** A configuration value is missing or invalid. The message names the setting, where its value came from, and why it is wrong. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

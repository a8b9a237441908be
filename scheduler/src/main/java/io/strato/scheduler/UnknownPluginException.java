package io.strato.scheduler;

import java.util.Collection;

/** A configured filter or weigher name that no class answers to; start-up fails with the known names. */
public final class UnknownPluginException extends IllegalArgumentException {

    public UnknownPluginException(String kind, String name, Collection<String> known) {
        super("unknown " + kind + " '" + name + "'; known " + kind + "s: " + String.join(", ", known));
    }
}

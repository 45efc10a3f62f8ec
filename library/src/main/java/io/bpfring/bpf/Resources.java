package io.bpfring.bpf;

import java.util.ArrayList;
import java.util.List;

/** Kernel objects held together and closed newest first: links before programs before maps. */
public final class Resources implements AutoCloseable {
    private final List<AutoCloseable> held = new ArrayList<>();

    /** Takes {@code resource} to close later; returns it. */
    public <T extends AutoCloseable> T own(T resource) {
        held.add(resource);
        return resource;
    }

    /** Closes everything held, newest first, going on past failures; rethrows the first. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = held.size() - 1; i >= 0; i--) {
            try {
                held.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        held.clear();
        if (failure != null) {
            throw failure;
        }
    }
}

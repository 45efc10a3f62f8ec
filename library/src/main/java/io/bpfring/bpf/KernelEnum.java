package io.bpfring.bpf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of one of the kernel's BPF enums ({@link MapType}, {@link ProgramType}, {@link
 * AttachType}): a constant known here, or any other value a kernel reports (a newer kernel's),
 * kept with its number. Two values are equal when they are of the same enum and number.
 */
public abstract sealed class KernelEnum permits MapType, ProgramType, AttachType {
    private final int id;
    private final String name;

    KernelEnum(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** The kernel's value. */
    public final int id() {
        return id;
    }

    /** Whether this is one of the values known here. */
    public final boolean isKnown() {
        return name != null;
    }

    @Override
    public final boolean equals(Object other) {
        return other != null && other.getClass() == getClass() && ((KernelEnum) other).id == id;
    }

    @Override
    public final int hashCode() {
        return Integer.hashCode(id);
    }

    /**
     * The kernel's name without its prefix ({@code BPF_MAP_TYPE_}, {@code BPF_PROG_TYPE_},
     * {@code BPF_}), such as {@code RINGBUF}; {@code unknown(40)} for a value not known here.
     */
    @Override
    public final String toString() {
        return name != null ? name : "unknown(" + id + ")";
    }

    /** The known values of one enum, by id; {@link #of} makes an unknown value for any other id. */
    static final class Registry<T extends KernelEnum> {
        /** Makes a value of the enum; {@code name} is null for an unknown one. */
        interface Factory<T> {
            T make(int id, String name);
        }

        private final Map<Integer, T> byId = new HashMap<>();
        private final List<T> all = new ArrayList<>();
        private final List<T> view = Collections.unmodifiableList(all);
        private final Factory<T> factory;

        Registry(Factory<T> factory) {
            this.factory = factory;
        }

        /** Records a known value; called in id order from the enum's constants. */
        T known(int id, String name) {
            T value = factory.make(id, name);
            byId.put(id, value);
            all.add(value);
            return value;
        }

        T of(int id) {
            T value = byId.get(id);
            return value != null ? value : factory.make(id, null);
        }

        List<T> all() {
            return view;
        }
    }
}

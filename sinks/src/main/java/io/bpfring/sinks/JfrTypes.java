package io.bpfring.sinks;

import jdk.jfr.AnnotationElement;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventFactory;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timestamp;
import jdk.jfr.ValueDescriptor;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flight Recorder event types made from records: one type per record type, named
 * {@code bpfring.<type>}, with one field per record field (a nested struct's fields flattened as
 * {@code outer_inner}, labelled {@code outer.inner}), so a recording shows one column per field.
 * The first record of a type decides its fields and their kinds; a later record's missing
 * fields are left empty and its extra ones are not recorded. Types are made once per JVM:
 * Flight Recorder registers them globally.
 */
final class JfrTypes {
    /** The field with the record's own time, when it has one. */
    static final String TIME_FIELD = "eventTime";
    /** Names every Flight Recorder event has already. */
    private static final Set<String> RESERVED = Set.of("startTime", "duration", "eventThread", "stackTrace");

    private static final Map<String, Type> TYPES = new ConcurrentHashMap<>();

    private JfrTypes() {
    }

    /** The event type of the record's type, made from this record when it is the first. */
    static Type of(SinkRecord record) {
        Type type = TYPES.get(record.type());
        return type != null ? type : TYPES.computeIfAbsent(record.type(), name -> make(name, record));
    }

    enum Kind {
        LONG(long.class), DOUBLE(double.class), BOOLEAN(boolean.class), STRING(String.class);

        final Class<?> javaType;

        Kind(Class<?> javaType) {
            this.javaType = javaType;
        }

        static Kind of(Object value) {
            return switch (value) {
                case Double d -> DOUBLE;
                case Float f -> DOUBLE;
                case Boolean b -> BOOLEAN;
                case BigInteger big -> big.bitLength() <= 64 ? LONG : STRING;
                case Number n -> LONG;
                case null, default -> STRING;
            };
        }

        /** The value as this kind's Java type, converted when the record's value is of another kind. */
        Object convert(Object value) {
            return switch (this) {
                case LONG -> switch (value) {
                    case Number n -> n.longValue(); // a BigInteger u64 keeps its 64 bits
                    case Boolean b -> b ? 1L : 0L;
                    case null, default -> 0L;
                };
                case DOUBLE -> value instanceof Number n ? n.doubleValue() : Double.NaN;
                case BOOLEAN -> value instanceof Boolean b ? b : (value instanceof Number n && n.longValue() != 0);
                case STRING -> {
                    if (value == null || value instanceof String) {
                        yield value;
                    }
                    StringBuilder json = new StringBuilder();
                    Json.value(value, json);
                    yield value instanceof Map || value instanceof List ? json.toString() : value.toString();
                }
            };
        }
    }

    /** One record field as an event field. */
    record Field(String path, String name, Kind kind) {
    }

    /** An event type and how to fill it from a record. */
    static final class Type {
        final String eventName;
        final EventFactory factory;
        final List<Field> fields;
        final boolean timed;

        Type(String eventName, EventFactory factory, List<Field> fields, boolean timed) {
            this.eventName = eventName;
            this.factory = factory;
            this.fields = fields;
            this.timed = timed;
        }

        /** The record as an event of this type, ready to commit. */
        Event event(SinkRecord record) {
            Event event = factory.newEvent();
            Map<String, Object> flat = flatten(record.fields());
            for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                Object value = flat.get(f.path());
                if (value != null) {
                    event.set(i, f.kind().convert(value));
                }
            }
            if (timed && record.timeNanos() != SinkRecord.NO_TIME) {
                event.set(fields.size(), Math.floorDiv(record.timeNanos(), 1_000_000L));
            }
            return event;
        }
    }

    private static Type make(String typeName, SinkRecord first) {
        String eventName = "bpfring." + identifier(stripKind(typeName), Set.of());
        List<Field> fields = new ArrayList<>();
        List<ValueDescriptor> descriptors = new ArrayList<>();
        Set<String> used = new HashSet<>(RESERVED);
        used.add(TIME_FIELD);
        for (Map.Entry<String, Object> e : flatten(first.fields()).entrySet()) {
            String name = identifier(e.getKey().replace('.', '_'), used);
            used.add(name);
            Kind kind = Kind.of(e.getValue());
            fields.add(new Field(e.getKey(), name, kind));
            descriptors.add(new ValueDescriptor(kind.javaType, name,
                    List.of(new AnnotationElement(Label.class, e.getKey()))));
        }
        boolean timed = first.timeNanos() != SinkRecord.NO_TIME;
        if (timed) {
            descriptors.add(new ValueDescriptor(long.class, TIME_FIELD, List.of(
                    new AnnotationElement(Label.class, "Event Time"),
                    new AnnotationElement(Description.class, "When the event happened, as the record says"),
                    new AnnotationElement(Timestamp.class, Timestamp.MILLISECONDS_SINCE_EPOCH))));
        }
        List<AnnotationElement> annotations = List.of(
                new AnnotationElement(Name.class, eventName),
                new AnnotationElement(Label.class, typeName),
                new AnnotationElement(Description.class, "A record traced by bpfring, one field per column"),
                new AnnotationElement(Category.class, new String[] {"bpfring", "Records"}),
                new AnnotationElement(StackTrace.class, false));
        return new Type(eventName, EventFactory.create(annotations, descriptors), List.copyOf(fields), timed);
    }

    /** The fields with nested maps spread out as {@code outer.inner}. */
    static Map<String, Object> flatten(Map<String, ?> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", fields, out);
        return out;
    }

    private static void flatten(String prefix, Map<String, ?> fields, Map<String, Object> out) {
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> inner = (Map<String, ?>) nested;
                flatten(prefix + e.getKey() + ".", inner, out);
            } else {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
    }

    /** {@code struct event} is {@code event}: Flight Recorder names have no spaces. */
    private static String stripKind(String typeName) {
        String t = typeName.strip();
        for (String kind : List.of("struct ", "union ")) {
            if (t.startsWith(kind)) {
                return t.substring(kind.length()).strip();
            }
        }
        return t;
    }

    /** {@code name} as a Java identifier not in {@code used}: characters other than letters and digits become '_'. */
    static String identifier(String name, Set<String> used) {
        StringBuilder out = new StringBuilder();
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
            out.append('_'); // "0abc" is "_0abc", "" is "_"
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(Character.isLetterOrDigit(c) ? c : '_');
        }
        String base = out.toString();
        String candidate = base;
        for (int n = 2; used.contains(candidate); n++) {
            candidate = base + "_" + n;
        }
        return candidate;
    }
}

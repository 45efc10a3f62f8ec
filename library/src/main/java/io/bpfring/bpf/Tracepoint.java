package io.bpfring.bpf;

import io.bpfring.link.Link;
import io.bpfring.link.Tracepoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel tracepoint, described by its tracefs {@code format} file: the context layout a
 * {@link ProgramType#TRACEPOINT} program reads is taken from there at run time, never hard-coded.
 */
public final class Tracepoint {
    private static final Pattern FIELD = Pattern.compile(
            "\\s*field:(.+?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d+);.*");

    /** One field of the tracepoint's record. */
    public record Field(String name, String type, int offset, int size, boolean signed) {
        /**
         * Whether this is a {@code __data_loc} field: a u32 whose low 16 bits are the offset of
         * the data within the record and whose high 16 bits are its length.
         */
        public boolean isDataLoc() {
            return type.startsWith("__data_loc");
        }
    }

    private final String category;
    private final String name;
    private final int id;
    private final List<Field> fields;

    private Tracepoint(String category, String name, int id, List<Field> fields) {
        this.category = category;
        this.name = name;
        this.id = id;
        this.fields = fields;
    }

    /** Reads the tracepoint {@code category/name} from tracefs, mounting tracefs when it is missing. */
    public static Tracepoint of(String category, String name) {
        Path events = Mounts.tracefs().resolve("events");
        Path dir = events.resolve(category).resolve(name);
        if (!category.matches("[\\w.-]+") || !name.matches("[\\w.-]+") || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no tracepoint " + category + "/" + name + " (" + dir
                    + " does not exist); list them with: ls " + events + "/" + category);
        }
        try {
            int id = Integer.parseInt(Files.readString(dir.resolve("id")).trim());
            return new Tracepoint(category, name, id, parse(Files.readAllLines(dir.resolve("format"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tracepoint " + category + "/" + name, e);
        }
    }

    static List<Field> parse(List<String> format) {
        List<Field> fields = new ArrayList<>();
        for (String line : format) {
            Matcher m = FIELD.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String declaration = m.group(1).trim();
            int space = declaration.lastIndexOf(' ');
            String fieldName = declaration.substring(space + 1).replaceAll("\\[.*]", "");
            String type = declaration.substring(0, Math.max(space, 0)).trim();
            fields.add(new Field(fieldName, type, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(4).equals("1")));
        }
        return List.copyOf(fields);
    }

    public String category() {
        return category;
    }

    public String name() {
        return name;
    }

    /** The tracepoint's id, as perf_event_open takes it. */
    public int id() {
        return id;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The named field; an {@link IllegalArgumentException} naming the fields there are when absent. */
    public Field field(String fieldName) {
        for (Field field : fields) {
            if (field.name().equals(fieldName)) {
                return field;
            }
        }
        throw new IllegalArgumentException("tracepoint " + category + "/" + name + " has no field '" + fieldName
                + "'; it has " + fields.stream().map(Field::name).toList());
    }

    /**
     * Attaches {@code program} (of type {@link ProgramType#TRACEPOINT}) through a perf event and a
     * BPF link. The program runs on every hit until the returned link is closed.
     */
    public Link attach(BpfProgram program) {
        return Tracepoints.attach(program, this, 0);
    }

    @Override
    public String toString() {
        return "tracepoint " + category + "/" + name + " (id " + id + ")";
    }
}

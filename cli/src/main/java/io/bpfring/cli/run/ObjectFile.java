package io.bpfring.cli.run;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.dwarf.DwarfTypes;
import io.bpfring.elf.ElfFile;
import io.bpfring.object.ObjectSpec;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/** A BPF object named on the command line: its spec, and its types from .BTF or DWARF. */
final class ObjectFile {
    /** A struct found in one of the object's type tables. */
    record Struct(Btf btf, int id, String from) {
    }

    final Path path;
    final byte[] bytes;
    final ObjectSpec spec;

    private ObjectFile(Path path, byte[] bytes, ObjectSpec spec) {
        this.path = path;
        this.bytes = bytes;
        this.spec = spec;
    }

    /**
     * Opens {@code path}; a file that is missing or unreadable is a usage error (exit 2), a file
     * that is not a BPF object a failure with its reason (exit 1).
     */
    static ObjectFile open(CommandSpec command, Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(command.commandLine(), "no such file: " + path);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(command.commandLine(), "cannot read " + path + ": " + e.getMessage());
        }
        String file = path.getFileName().toString();
        int dot = file.indexOf('.');
        try {
            return new ObjectFile(path, bytes, ObjectSpec.parse(dot > 0 ? file.substring(0, dot) : file, bytes));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + " is not a BPF object: " + e.getMessage(), e);
        }
    }

    /** The struct named {@code name}: from the object's .BTF, else from its DWARF; empty if neither has it. */
    Optional<Struct> struct(String name) {
        Optional<Btf> btf = spec.btf();
        if (btf.isPresent()) {
            OptionalInt id = btf.get().find(name, BtfKind.STRUCT);
            if (id.isPresent()) {
                return Optional.of(new Struct(btf.get(), id.getAsInt(), ".BTF"));
            }
        }
        Btf dwarf = dwarf();
        OptionalInt id = dwarf.find(name, BtfKind.STRUCT);
        return id.isPresent() ? Optional.of(new Struct(dwarf, id.getAsInt(), "DWARF")) : Optional.empty();
    }

    /** The struct named {@code name}, or an error that says how to make the compiler keep it. */
    Struct requireStruct(String name) {
        return struct(name).orElseThrow(() -> new IllegalArgumentException(
                "no struct " + name + " in " + path + " (neither in .BTF nor in DWARF debug info). "
                        + "Anchor it in the BPF source with a global such as 'struct " + name
                        + " *unused __attribute__((unused));', or build with -g and without stripping DWARF; "
                        + "or name another struct with --record."));
    }

    /** The object's DWARF types; a table without structs if it has no DWARF. */
    Btf dwarf() {
        return DwarfTypes.read(ElfFile.parse(bytes.clone()));
    }
}

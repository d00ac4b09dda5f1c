package dev.baton.spec.store;

import java.nio.file.Path;

/**
 * One spec file as read at one moment.
 *
 * @param version the file's {@code version}, 0 when it states none (a writer that ignores versions)
 * @param sha256  of the exact bytes: how a change that kept the version is still noticed
 */
public record SpecSnapshot(Path file, String content, long version, String sha256) {

    /** The spec id is the file name without its extension, as seed 000 derives it. */
    public String specId() {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}

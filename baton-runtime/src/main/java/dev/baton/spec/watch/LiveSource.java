package dev.baton.spec.watch;

import java.nio.file.Path;

/** A source of file events for the spec folder that runs on its own thread until it is closed or breaks. */
interface LiveSource extends AutoCloseable {

    /** {@code "watchman"} or {@code "watch-service"}; also the {@link SpecFileChange#source()} of its reports. */
    String mechanism();

    /** Stops the source; safe to call more than once and from the source's own thread. */
    @Override
    void close();

    /** What a source tells the watcher, from the source's thread. */
    interface Events {
        /** A spec file (name already filtered by {@link SpecFileNames}) was written, replaced or deleted. */
        void changed(Path file, boolean exists);

        /** Events were lost: only a full comparison can tell what changed. */
        void overflow();

        /** The source stopped delivering events and will not recover by itself. */
        void failed(Exception cause);
    }

    /** Opens a source on a folder, or throws when the mechanism does not work here. */
    @FunctionalInterface
    interface Opener {
        LiveSource open(Path dir, Events events) throws Exception;
    }
}

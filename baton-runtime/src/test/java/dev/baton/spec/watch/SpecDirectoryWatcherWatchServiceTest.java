package dev.baton.spec.watch;

/** The scenarios on the JDK WatchService (watchman not asked for). */
class SpecDirectoryWatcherWatchServiceTest extends SpecWatcherScenarios {

    @Override
    boolean useWatchman() {
        return false;
    }

    @Override
    String mechanism() {
        return "watch-service";
    }
}

package dev.baton.spec.watch;

/** Which names in the spec folder are spec files; every source and the poller apply the same rule. */
final class SpecFileNames {

    private SpecFileNames() {
    }

    /**
     * True for {@code wf-1.yaml}, {@code wf-1.yml}, {@code wf-1.json}. Dot names never count: they are the temp
     * files of atomic writes ({@code .wf-1.yaml.<uuid>.tmp}) and {@code .watchmanconfig}. A name with a slash is
     * in a sub-folder, which watchman reports and the watcher ignores.
     */
    static boolean counts(String name) {
        if (name == null || name.isEmpty() || name.charAt(0) == '.' || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return false;
        }
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }
}

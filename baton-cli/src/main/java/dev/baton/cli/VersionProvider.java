package dev.baton.cli;

import picocli.CommandLine;

/** {@code baton --version}: the version Maven wrote into the jar's manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** "dev" when run from classes rather than the packaged jar (IDE, tests). */
    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[]{
                "baton " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}

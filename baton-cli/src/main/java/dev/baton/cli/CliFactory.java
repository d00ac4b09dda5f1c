package dev.baton.cli;

import picocli.CommandLine;

import java.lang.reflect.Constructor;

/**
 * Creates picocli's command, mixin and converter objects, handing the {@link CliEnvironment} to those whose
 * constructor asks for it; everything else is built by picocli's default factory.
 */
final class CliFactory implements CommandLine.IFactory {

    private final CliEnvironment environment;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CliFactory(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            Constructor<K> constructor = type.getDeclaredConstructor(CliEnvironment.class);
            constructor.setAccessible(true);
            return constructor.newInstance(environment);
        } catch (NoSuchMethodException e) {
            return fallback.create(type);
        }
    }
}

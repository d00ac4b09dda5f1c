package dev.baton.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rules a setting of the {@code *Properties} records must keep, checked at start-up by {@link SettingsValidator}.
 * Our own, rather than Jakarta Bean Validation's: Hibernate Validator loaded some 650 classes into every server
 * (about 4 MB of its idle RSS) to check these few bounds.
 */
public final class SettingRules {
    private SettingRules() {
    }

    /** The number is at least {@code value}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
    public @interface Min {
        long value();
    }

    /** The number is at most {@code value}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
    public @interface Max {
        long value();
    }

    /** The value is set. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
    public @interface NotNull {
    }

    /** The text, when set, matches {@code regexp} as a whole; {@code message} says what is expected. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
    public @interface Pattern {
        String regexp();

        String message();
    }
}

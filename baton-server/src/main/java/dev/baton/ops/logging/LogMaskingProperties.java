package dev.baton.ops.logging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.util.List;

/**
 * {@code logging.masking.patterns} (LOG_MASK_PATTERNS, comma-separated regexes): secrets of this
 * installation that the built-in rules of {@link dev.baton.shared.SecretMasker} do not know.
 * <p>The log formatter is built by the logging system before the application context exists, so it binds
 * this record from the {@link Environment} itself ({@link #from}) instead of receiving a bean.
 */
@ConfigurationProperties("logging.masking")
public record LogMaskingProperties(List<String> patterns) {

    public LogMaskingProperties {
        patterns = patterns == null ? List.of() : patterns.stream().filter(p -> p != null && !p.isBlank()).toList();
    }

    public static LogMaskingProperties from(Environment environment) {
        return Binder.get(environment).bind("logging.masking", LogMaskingProperties.class)
                .orElseGet(() -> new LogMaskingProperties(List.of()));
    }
}

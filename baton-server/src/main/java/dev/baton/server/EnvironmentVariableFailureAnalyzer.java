package dev.baton.server;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up failures caused by a bad setting, reported with the environment variable the operator set
 * ({@code AGENT_MAX_CONCURRENT=0}) rather than only the Spring property ({@code agent.max-concurrent}).
 * Which variable feeds which property is read from application.yml's placeholders ({@link ConfigVariables}).
 * Runs before Spring Boot's own bind analyzers; a property that no variable feeds is left to them.
 * Registered in META-INF/spring.factories.
 */
public class EnvironmentVariableFailureAnalyzer extends AbstractFailureAnalyzer<RuntimeException> implements Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RuntimeException ignored) {
        InvalidConfigurationPropertyValueException invalid = findCause(rootFailure, InvalidConfigurationPropertyValueException.class);
        BindException bind = findCause(rootFailure, BindException.class);
        if (bind != null) return analyze(bind);
        if (invalid != null) return analyze(invalid);
        return null;
    }

    /** Thrown where a value is checked outside binding, e.g. {@code server.port} when the web server is made. */
    private FailureAnalysis analyze(InvalidConfigurationPropertyValueException cause) {
        ConfigVariables.Variable v = variables().forProperty(cause.getName());
        if (v == null) return null;
        return analysis(List.of(describe(v, cause.getValue(), cause.getReason())), List.of(v), cause);
    }

    private static ConfigVariables variables() {
        try {
            return ConfigVariables.fromClasspath();
        } catch (RuntimeException e) {
            return ConfigVariables.parse("");
        }
    }

    private FailureAnalysis analyze(BindException cause) {
        ConfigVariables vars;
        try {
            vars = ConfigVariables.fromClasspath();
        } catch (RuntimeException e) {
            return null; // leave it to Spring Boot's analyzers
        }
        List<String> problems = new ArrayList<>();
        List<ConfigVariables.Variable> named = new ArrayList<>();
        BindValidationException validation = findCause(cause, BindValidationException.class);
        if (validation != null) {
            String prefix = validation.getValidationErrors().getName().toString();
            for (ObjectError error : validation.getValidationErrors()) {
                if (!(error instanceof FieldError field)) continue;
                String property = prefix + "." + dashed(field.getField());
                ConfigVariables.Variable v = vars.forProperty(property);
                if (v == null) return null;
                named.add(v);
                problems.add(describe(v, field.getRejectedValue(), field.getDefaultMessage()));
            }
        } else {
            ConfigurationProperty property = cause.getProperty();
            String name = property != null ? property.getName().toString() : cause.getName().toString();
            ConfigVariables.Variable v = vars.forProperty(name);
            if (v == null) return null;
            named.add(v);
            Throwable reason = cause.getCause();
            while (reason != null && reason.getCause() != null && reason.getCause() != reason) reason = reason.getCause();
            // The property's own value is the unresolved placeholder; the converter saw the variable's value.
            ConversionFailedException conversion = findCause(cause, ConversionFailedException.class);
            Object value = conversion != null ? conversion.getValue() : property != null ? property.getValue() : null;
            problems.add(describe(v, value,
                    reason == null ? "cannot be converted to " + cause.getTarget().getType() : reason.getMessage()));
        }
        return problems.isEmpty() ? null : analysis(problems, named, cause);
    }

    private static FailureAnalysis analysis(List<String> problems, List<ConfigVariables.Variable> named, Throwable cause) {
        StringBuilder action = new StringBuilder();
        for (ConfigVariables.Variable v : named)
            action.append("Fix or unset ").append(v.name())
                    .append(v.defaultValue().isEmpty() ? " (no default)" : " (default " + v.defaultValue() + ")").append(".\n");
        action.append("Every variable, with its default, is listed in the README's Configuration table.");
        return new FailureAnalysis("Invalid configuration:\n" + String.join("\n", problems), action.toString(), cause);
    }

    private static String describe(ConfigVariables.Variable v, Object value, String reason) {
        return "  - environment variable " + v.name() + "=" + value + " is invalid: " + reason
                + " (property " + v.property() + ")";
    }

    /** {@code maxConcurrent} → {@code max-concurrent}. */
    static String dashed(String field) {
        StringBuilder out = new StringBuilder();
        for (char c : field.toCharArray()) {
            if (Character.isUpperCase(c)) out.append('-').append(Character.toLowerCase(c));
            else out.append(c);
        }
        return out.toString();
    }
}

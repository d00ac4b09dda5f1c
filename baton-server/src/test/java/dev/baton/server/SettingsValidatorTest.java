package dev.baton.server;

import org.junit.jupiter.api.Test;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsValidatorTest {
    private final SettingsValidator validator = new SettingsValidator();

    @Test
    void aValueBelowItsMinimumIsAFieldErrorWithTheValueAndTheRule() {
        FieldError error = onlyError(new EngineProperties.Agent(1, 1, 1, 0));

        assertThat(error.getField()).isEqualTo("maxConcurrent");
        assertThat(error.getRejectedValue()).isEqualTo(0);
        assertThat(error.getDefaultMessage()).isEqualTo("must be greater than or equal to 1");
    }

    @Test
    void aValueAboveItsMaximumIsAFieldError() {
        FieldError error = onlyError(new EngineProperties.Workflow(null, 5000, 0, 0, 0, 0));

        assertThat(error.getField()).isEqualTo("maxConcurrent");
        assertThat(error.getDefaultMessage()).isEqualTo("must be less than or equal to 1000");
    }

    @Test
    void aTextThatDoesNotMatchItsPatternGetsThePatternsMessage() {
        FieldError error = onlyError(new EngineProperties.Cleanup("hourly", 0, 0, 1000));

        assertThat(error.getField()).isEqualTo("scheduleCron");
        assertThat(error.getRejectedValue()).isEqualTo("hourly");
        assertThat(error.getDefaultMessage()).startsWith("must be a cron expression of five fields");
    }

    @Test
    void aMissingRequiredValueIsAFieldError() {
        FieldError error = onlyError(new BatonProperties(null, Path.of("."), null, null, null, null));

        assertThat(error.getField()).isEqualTo("dataDir");
        assertThat(error.getDefaultMessage()).isEqualTo("must not be null");
    }

    @Test
    void valuesWithinTheirRulesPassAndRecordsWithoutRulesAreLeftAlone() {
        EngineProperties.Agent agent = new EngineProperties.Agent(30000, 600000, 30000, 20);
        BeanPropertyBindingResult errors = new BeanPropertyBindingResult(agent, "agent");

        validator.validate(agent, errors);

        assertThat(errors.getAllErrors()).isEmpty();
        assertThat(validator.supports(EngineProperties.Agent.class)).isTrue();
        assertThat(validator.supports(EngineProperties.Worktree.class)).isFalse();
        assertThat(validator.supports(String.class)).isFalse();
    }

    private FieldError onlyError(Object settings) {
        assertThat(validator.supports(settings.getClass())).isTrue();
        BeanPropertyBindingResult errors = new BeanPropertyBindingResult(settings, "settings");
        validator.validate(settings, errors);
        assertThat(errors.getFieldErrors()).hasSize(1);
        return errors.getFieldErrors().getFirst();
    }
}

package dev.baton.server;

import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;

/**
 * Checks the {@link SettingRules} of every {@code @ConfigurationProperties} record while Spring Boot binds it
 * (registered as its {@code configurationPropertiesValidator}). A broken rule becomes a field error with the
 * value and the rule, as Bean Validation reported it, so start-up stops in {@link EnvironmentVariableFailureAnalyzer}
 * naming the environment variable, its value and the rule.
 */
final class SettingsValidator implements Validator {
    private static final Set<Class<? extends Annotation>> RULES =
            Set.of(SettingRules.Min.class, SettingRules.Max.class, SettingRules.NotNull.class, SettingRules.Pattern.class);

    @Override
    public boolean supports(Class<?> type) {
        return type.isRecord() && Arrays.stream(type.getRecordComponents()).anyMatch(SettingsValidator::hasRule);
    }

    @Override
    public void validate(Object target, Errors errors) {
        for (RecordComponent component : target.getClass().getRecordComponents()) {
            if (!hasRule(component)) continue;
            Object value = valueOf(component, target);
            String broken = brokenRule(component, value);
            if (broken != null) reject(errors, component.getName(), value, broken);
        }
    }

    /** What the value breaks, as Bean Validation's default messages said it, or null when it keeps every rule. */
    static String brokenRule(RecordComponent component, Object value) {
        if (value == null) return component.isAnnotationPresent(SettingRules.NotNull.class) ? "must not be null" : null;
        SettingRules.Min min = component.getAnnotation(SettingRules.Min.class);
        if (min != null && value instanceof Number n && n.longValue() < min.value()) return "must be greater than or equal to " + min.value();
        SettingRules.Max max = component.getAnnotation(SettingRules.Max.class);
        if (max != null && value instanceof Number n && n.longValue() > max.value()) return "must be less than or equal to " + max.value();
        SettingRules.Pattern pattern = component.getAnnotation(SettingRules.Pattern.class);
        if (pattern != null && !value.toString().matches(pattern.regexp())) return pattern.message();
        return null;
    }

    private static boolean hasRule(RecordComponent component) {
        return Arrays.stream(component.getAnnotations()).anyMatch(a -> RULES.contains(a.annotationType()));
    }

    private static Object valueOf(RecordComponent component, Object target) {
        try {
            return component.getAccessor().invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read setting " + target.getClass().getSimpleName() + "." + component.getName(), e);
        }
    }

    /** A record has no bean getters, so the field error is built here rather than read back by {@code rejectValue}. */
    private static void reject(Errors errors, String field, Object value, String why) {
        FieldError error = new FieldError(errors.getObjectName(), field, value, false, new String[]{field + ".invalid"}, null, why);
        if (errors instanceof BindingResult result) result.addError(error);
        else errors.reject(field + ".invalid", field + " " + why);
    }
}

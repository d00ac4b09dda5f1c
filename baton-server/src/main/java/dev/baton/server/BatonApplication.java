package dev.baton.server;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.validation.Validator;

import java.util.Map;

/** The Spring Boot application: the engine behind REST, health, metrics. Started by {@code baton server} and {@code baton demo}. */
@SpringBootApplication(scanBasePackages = "dev.baton")
@ConfigurationPropertiesScan("dev.baton.server")
public class BatonApplication {

    /**
     * @param web        SERVLET for {@code baton server}; NONE for the embedded engine of {@code baton demo}
     * @param properties overrides on top of application.yml and the environment
     */
    public static ConfigurableApplicationContext start(WebApplicationType web, Map<String, Object> properties, String... args) {
        return new SpringApplicationBuilder(BatonApplication.class)
                .web(web)
                .properties(properties)
                .registerShutdownHook(true)
                .run(args);
    }

    /**
     * Checks the {@link SettingRules} of the settings records while Spring Boot binds them (it looks this name up).
     * Infrastructure: it is made while the bean post-processors are, which Spring would otherwise warn about.
     */
    @Bean(name = EnableConfigurationProperties.VALIDATOR_BEAN_NAME)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Validator configurationPropertiesValidator() {
        return new SettingsValidator();
    }

    public static void main(String[] args) {
        start(WebApplicationType.SERVLET, Map.of(), args);
    }
}

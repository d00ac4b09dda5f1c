package dev.baton;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module map, enforced: the domain is plain Java, the engine talks to ports, adapters stay at the
 * edge and features do not reach into each other's internals.
 */
class ModuleBoundariesTest {
    private static JavaClasses baton;

    @BeforeAll
    static void importClasses() {
        baton = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.baton");
    }

    @Test
    void domainIsPlainJava() {
        noClasses().that().resideInAnyPackage("dev.baton.workflow", "dev.baton.shared", "dev.baton.spec..", "dev.baton.agent", "dev.baton.ping", "dev.baton.mcp")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..", "io.grpc..",
                        "jakarta..", "dev.baton.store..", "dev.baton.engine..", "dev.baton.ops..", "dev.baton.server..")
                .because("the domain must stay free of frameworks, JDBC and gRPC")
                .check(baton);
    }

    @Test
    void engineUsesPortsNotAdaptersOrSpring() {
        noClasses().that().resideInAPackage("dev.baton.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..",
                        "dev.baton.store..", "dev.baton.ops..", "dev.baton.server..", "..rest..", "dev.baton.agent.process..")
                .because("the engine is plain Java over ports; adapters are wired in by the server")
                .check(baton);
    }

    @Test
    void coordinationIsPlainJavaOverTheEngine() {
        noClasses().that().resideInAPackage("dev.baton.coordination..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..",
                        "dev.baton.store..", "dev.baton.server..", "..rest..", "io.nats..")
                .because("spec coordination talks to the bus and the engine through their interfaces; Spring only wires it")
                .check(baton);
    }

    @Test
    void cleanupIsPlainJavaOverPorts() {
        noClasses().that().resideInAPackage("dev.baton.cleanup..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..",
                        "dev.baton.store..", "dev.baton.server..", "..rest..")
                .because("resource cleanup is plain Java over the repository port and a Clock; Spring only wires and schedules it")
                .check(baton);
    }

    @Test
    void eventBusesAreFreeOfSpring() {
        noClasses().that().resideInAPackage("dev.baton.events..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "dev.baton.server..", "dev.baton.ops..",
                        "..rest..")
                .because("the buses are plain Java over the EventBus port and Lettuce; Spring only picks and wires one")
                .check(baton);
    }

    @Test
    void logStoreIsPlainJava() {
        noClasses().that().resideInAPackage("dev.baton.logs.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "io.grpc..", "dev.baton.grpc..",
                        "dev.baton.engine..", "dev.baton.server..", "..rest..")
                .because("the log store is files and threads; gRPC (ingest) and HTTP (web) are adapters around it")
                .check(baton);
    }

    @Test
    void mcpConnectionCheckIsPlainJava() {
        noClasses().that().resideInAPackage("dev.baton.mcp..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "dev.baton.store..",
                        "dev.baton.server..", "..rest..", "dev.baton.engine..", "dev.baton.ops..")
                .because("the MCP servers and their connection check are plain Java; /ready and the engine use them, not the other way")
                .check(baton);
    }

    @Test
    void dispatchAndWorkersAreFreeOfSpring() {
        noClasses().that().resideInAnyPackage("dev.baton.dispatch..", "dev.baton.worker..", "dev.baton.grpc..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "dev.baton.store..",
                        "dev.baton.server..", "..rest..", "dev.baton.engine..")
                .because("workers and the server's dispatcher are plain Java over the agent port and gRPC; Spring only wires them")
                .check(baton);
    }

    @Test
    void workersDoNotKnowTheServer() {
        noClasses().that().resideInAnyPackage("dev.baton.worker..", "dev.baton.grpc..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.dispatch..", "dev.baton.logs..", "dev.baton.coordination..")
                .because("a worker runs on any machine with baton-worker alone")
                .check(baton);
    }

    @Test
    void runtimeAdaptersDoNotKnowTheServer() {
        noClasses().that().resideInAnyPackage("dev.baton.git..", "dev.baton.agent..", "dev.baton.store..", "dev.baton.ping..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.engine..", "dev.baton.ops..", "dev.baton.server..", "..rest..")
                .check(baton);
    }

    @Test
    void restGoesThroughTheUseCases() {
        noClasses().that().resideInAPackage("..rest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.baton.store..", "java.sql..", "dev.baton.git..", "dev.baton.agent.process..")
                .because("REST adapters call the application services, never storage or processes directly")
                .check(baton);
    }

    @Test
    void featuresAreFreeOfCycles() {
        slices().matching("dev.baton.(*)..").should().beFreeOfCycles().check(baton);
    }
}

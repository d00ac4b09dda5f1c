# Baton server image (seed 001 §6.1): build with the Maven wrapper on a JDK, run on a JRE with git.
#   docker build -t baton:0.1.0 --build-arg APP_VERSION=0.1.0 .
#   docker run -p 3000:3000 -v baton-data:/data --env-file .env.production baton:0.1.0
# Configuration is the environment variables of the README's Configuration table.

# Stage 1: build the executable jar (baton-cli/target/baton.jar)
FROM eclipse-temurin:25-jdk AS builder
WORKDIR /src
# The wrapper and the poms first, so the dependency layer is cached while only sources change.
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY baton-core/pom.xml baton-core/
COPY baton-sdk/pom.xml baton-sdk/
COPY baton-store/pom.xml baton-store/
COPY baton-runtime/pom.xml baton-runtime/
COPY baton-server/pom.xml baton-server/
COPY baton-cli/pom.xml baton-cli/
RUN ./mvnw -B -ntp -q -pl baton-cli -am dependency:go-offline || true
COPY . .
RUN ./mvnw -B -ntp -q -pl baton-cli -am -DskipTests package

# Stage 2: runtime
FROM eclipse-temurin:25-jre AS production
# git: worktrees and merges run the git CLI; curl: the HEALTHCHECK.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 baton \
    && useradd --system --uid 10001 --gid baton --home-dir /data --shell /usr/sbin/nologin baton \
    && mkdir -p /data \
    && chown baton:baton /data

WORKDIR /app
COPY --from=builder /src/baton-cli/target/baton.jar /app/baton.jar
# BATON_HOME holds the shipped example agent profiles (examples/agents/profiles.yaml).
COPY --from=builder /src/examples/agents /app/examples/agents

ARG APP_VERSION=0.1.0
ENV NODE_ENV=production \
    APP_VERSION=${APP_VERSION} \
    PORT=3000 \
    BATON_HOME=/app \
    BATON_DATA_DIR=/data \
    JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseCompactObjectHeaders"
# SQLite file, specs, worktrees, workspaces, reports: mount a volume here.
VOLUME ["/data"]
# HTTP: REST API, /health, /ready and /metrics all on PORT.
EXPOSE 3000 9090

USER baton
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "http://localhost:${PORT}/health" || exit 1

ENTRYPOINT ["java", "-jar", "/app/baton.jar"]
CMD ["server"]

# syntax=docker/dockerfile:1.7
#
# Poolkeeper's one image. Its entrypoint is the `poolkeeper` command:
#   poolkeeper operator                  the operator (the Helm chart's Deployment runs this)
#   poolkeeper sidecar --config FILE     the pool proxy (the pods the operator renders run this)
#
#   docker build -t poolkeeper:dev .
#   docker run --rm --read-only --tmpfs /tmp poolkeeper:dev --help
#
# It runs as uid/gid 10001 with a read-only root filesystem: the JVM writes only to /tmp, which
# the chart and the operator mount as an emptyDir. helm-tests' DockerfileTest checks the paths,
# user, ports and entrypoint here against the Maven build, the chart and the operator's pods.

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-25
ARG JRE_IMAGE=eclipse-temurin:25-jre

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
# The reactor reads every module's pom; the CLI is built from the main sources of the others.
COPY pom.xml ./
COPY api/pom.xml api/
COPY api/src/main api/src/main
COPY localpg/pom.xml localpg/
COPY localpg/src/main localpg/src/main
COPY sidecar/pom.xml sidecar/
COPY sidecar/src/main sidecar/src/main
COPY operator/pom.xml operator/
COPY operator/src/main operator/src/main
COPY cli/pom.xml cli/
COPY cli/src/main cli/src/main
COPY helm-tests/pom.xml helm-tests/
# Produces cli/target/poolkeeper.jar and its runtime classpath in cli/target/lib.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Dmaven.test.skip=true -pl cli -am package

FROM ${JRE_IMAGE}
RUN groupadd --system --gid 10001 poolkeeper \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin poolkeeper
COPY --from=build /src/cli/target/lib/ /opt/poolkeeper/lib/
COPY --from=build /src/cli/target/poolkeeper.jar /opt/poolkeeper/poolkeeper.jar
# Temporary files go to /tmp (an emptyDir in the pods); the heap follows the container's memory limit.
ENV JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=/tmp -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /opt/poolkeeper
# 6432: PostgreSQL clients (sidecar); 6433: its read-only listener; 9187: sidecar admin (/metrics, /healthz, /readyz, /status);
# 8080: operator /metrics, /healthz, /readyz.
EXPOSE 6432 6433 9187 8080
ENTRYPOINT ["java", "-cp", "/opt/poolkeeper/poolkeeper.jar:/opt/poolkeeper/lib/*", "io.poolkeeper.cli.Poolkeeper"]
CMD ["--help"]

# Fulcrum in a container image, with the Debian package's layout (docs/install.md):
#
#   docker build -t fulcrum .
#   docker run --rm -p 8080:8080 \
#     -v "$PWD/fulcrum.yaml:/etc/fulcrum/fulcrum.yaml:ro" fulcrum
#
# Not built or tested in this repository's CI: no container engine runs on its machines.
# The package it installs is built and tested there (packaging/deb, DebianPackageIT).

# Build: the jar, then the Debian package (which carries its own Java 25 runtime, made by jlink).
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package \
 && packaging/deb/build.sh --out /out

# Run: Debian with the package installed, as the unprivileged fulcrum user. The package makes
# an admin token at installation; one baked into an image would be every container's, so it
# is removed: mount your own (/etc/fulcrum/admin.token) or a configuration without it. The
# shipped configuration binds 127.0.0.1, out of reach from outside the container: mount one
# that binds 0.0.0.0.
FROM debian:bookworm-slim
COPY --from=build /out/fulcrum_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/fulcrum_*.deb \
 && rm -rf /tmp/fulcrum_*.deb /var/lib/apt/lists/* \
 && rm -f /etc/fulcrum/admin.token
USER fulcrum
WORKDIR /var/lib/fulcrum
VOLUME ["/var/lib/fulcrum"]
EXPOSE 8080 9900
# The launcher execs the JVM: it is PID 1 and gets docker's SIGTERM (graceful stop) and
# SIGHUP (docker kill -s HUP: reload). Logs and the access log go to stdout and stderr.
ENTRYPOINT ["/usr/bin/fulcrum"]
CMD ["run", "-c", "/etc/fulcrum/fulcrum.yaml", "--state-dir", "/var/lib/fulcrum"]

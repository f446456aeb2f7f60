#!/usr/bin/env bash
# Builds the Debian package of Fulcrum from the packaged jar:
#
#   packaging/deb/build.sh [--jar FILE] [--out DIR]
#
#   --jar FILE  the shaded jar (default fulcrum-app/target/fulcrum.jar: ./mvnw -B -DskipTests package)
#   --out DIR   where fulcrum_VERSION_ARCH.deb is written (default fulcrum-app/target/deb)
#
# The package carries its own Java 25 runtime, made here with jlink from the JDK that
# builds (bin/java-home.sh): no Debian release has a Java 25 package yet (bookworm stops
# at 17, trixie at 21), so a package depending on one could not be installed on them
# (docs/install.md). Layout:
#
#   /usr/bin/fulcrum                                launcher (packaging/deb/fulcrum)
#   /usr/share/fulcrum/fulcrum.jar, jvm-options.sh  the jar and the JVM flags (bin/jvm-options.sh)
#   /usr/lib/fulcrum/runtime/                       the Java runtime
#   /usr/lib/fulcrum/fulcrum-client.jsa             class-data archive of the client commands
#   /usr/lib/systemd/system/fulcrum.service         the unit
#   /etc/fulcrum/fulcrum.yaml                       configuration (a conffile)
#   /usr/share/man/man1/fulcrum*.1.gz               manual pages   } generated from the command
#   /usr/share/bash-completion/completions/fulcrum  bash           } model by
#   /usr/share/zsh/vendor-completions/_fulcrum      zsh            } io.fulcrum.app.manual
#   /var/lib/fulcrum                                state (made by postinst and systemd)
#
# Needs dpkg-deb; no root (file owners are set to root in the archive).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
jar=$root/fulcrum-app/target/fulcrum.jar
out=$root/fulcrum-app/target/deb

while (($# > 0)); do
  case $1 in
    --jar) jar=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -f $jar ]]; then
  echo "build.sh: $jar not found; build it first: ./mvnw -B -DskipTests package" >&2
  exit 1
fi
for tool in dpkg-deb dpkg gzip; do
  command -v "$tool" > /dev/null || { echo "build.sh: $tool is needed (Debian's dpkg and gzip packages)" >&2; exit 1; }
done

# shellcheck source=../../bin/java-home.sh
. "$root/bin/java-home.sh"
if ! jdk=$(fulcrum_java_home); then
  fulcrum_no_java_message
  exit 1
fi
# shellcheck source=../../bin/jvm-options.sh
. "$root/bin/jvm-options.sh"

# 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT: Debian sorts "~" before the release it precedes.
manifest=$(mktemp -d)
(cd "$manifest" && "$jdk/bin/jar" -xf "$jar" META-INF/MANIFEST.MF)
version=$(tr -d '\r' < "$manifest/META-INF/MANIFEST.MF" | sed -n 's/^Implementation-Version: //p' | head -n 1)
rm -rf "$manifest"
version=${version:-0.0.0}
debversion=${version//-/\~}
arch=$(dpkg --print-architecture)

stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/fulcrum" "$stage/usr/lib/fulcrum" \
  "$stage/usr/lib/systemd/system" "$stage/etc/fulcrum" "$stage/usr/share/man/man1" \
  "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
  "$stage/usr/share/doc/fulcrum"

echo "build.sh: Java runtime (jlink, modules the jar uses by jdeps)..." >&2
# jdeps sees the modules the classes name; the ones reached only through services or JNDI
# (the DNS and zip file system providers, Netty's extended socket options) are added.
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
modules=$modules,java.logging,java.xml,jdk.net,jdk.naming.dns,jdk.zipfs
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$stage/usr/lib/fulcrum/runtime" > /dev/null
java=$stage/usr/lib/fulcrum/runtime/bin/java

cp -p "$jar" "$stage/usr/share/fulcrum/fulcrum.jar"
cp "$root/bin/jvm-options.sh" "$stage/usr/share/fulcrum/jvm-options.sh"
install -m 0755 "$here/fulcrum" "$stage/usr/bin/fulcrum"
install -m 0644 "$here/fulcrum.service" "$stage/usr/lib/systemd/system/fulcrum.service"
install -m 0644 "$here/fulcrum.yaml" "$stage/etc/fulcrum/fulcrum.yaml"
{
  echo "Fulcrum, a software traffic manager. Licensed under the Apache License 2.0:"
  echo
  cat "$root/LICENSE"
} > "$stage/usr/share/doc/fulcrum/copyright"

echo "build.sh: manual pages and completion scripts..." >&2
generated=$out/generated
rm -rf "$generated"
"$java" -cp "$stage/usr/share/fulcrum/fulcrum.jar" io.fulcrum.app.manual.ManualFiles "$generated" > /dev/null
for page in "$generated"/man1/*.1; do
  gzip -9 -n -c "$page" > "$stage/usr/share/man/man1/$(basename "$page").gz"
done
install -m 0644 "$generated/completion/fulcrum" "$stage/usr/share/bash-completion/completions/fulcrum"
install -m 0644 "$generated/completion/_fulcrum" "$stage/usr/share/zsh/vendor-completions/_fulcrum"

echo "build.sh: class-data archive of the client commands..." >&2
# Made with the packaged runtime and jar; the JVM accepts it after both move to their
# installed paths (it checks the jar's name, size and time, which dpkg keeps).
if ! fulcrum_make_client_archive "$java" "$stage/usr/share/fulcrum/fulcrum.jar" "$stage/usr/lib/fulcrum/fulcrum-client.jsa"; then
  echo "build.sh: no class-data archive (client commands start slower)" >&2
fi

install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$stage/DEBIAN/"
echo /etc/fulcrum/fulcrum.yaml > "$stage/DEBIAN/conffiles"
installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" << EOF
Package: fulcrum
Version: $debversion
Architecture: $arch
Maintainer: Fulcrum developers <fulcrum@localhost>
Installed-Size: $installed_kb
Depends: libc6, adduser
Section: net
Priority: optional
Description: software traffic manager: L7/L4 proxy, load balancer and GSLB DNS
 Fulcrum puts a fleet of servers behind a name and an address: an HTTP reverse
 proxy and load balancer, a TCP/UDP (L4) router, an authoritative DNS server for
 global server load balancing between sites, and the health checks and adaptive
 weights that steer them. Carries its own Java 25 runtime.
EOF
(cd "$stage" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$stage/DEBIAN/md5sums"

deb=$out/fulcrum_${debversion}_${arch}.deb
dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" > /dev/null
rm -rf "$stage" "$generated" # 250 MB that the package now holds
echo "$deb"

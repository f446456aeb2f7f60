# Finds a JDK 25 (or newer) for the build and the launcher. Sourced by ./mvnw and
# bin/fulcrum (POSIX sh, so both can use it); defines one function and changes nothing else.
#
#   fulcrum_java_home   prints the home of the first JDK 25+ among $JAVA_HOME,
#                       /usr/lib/jvm/temurin-25*, /usr/lib/jvm/*25* and the `java` on PATH;
#                       returns 1 (and prints nothing) when there is none.
#
# Why: a fresh Debian machine's default `java` is 17, and Fulcrum compiles for 25; a
# newcomer should not have to set JAVA_HOME before the README's commands work.

fulcrum_required_java=25

# The major version of a java binary ("25" for 25.0.1, "1" for 1.8), or nothing: from the
# JAVA_VERSION line of the installation's `release` file where there is one (read in the
# shell: starting the JVM to ask took about 0.1 s of every fulcrum command), else from
# `java -version`.
fulcrum_java_major() {
  fulcrum_release=$(dirname "$(dirname "$1")")/release
  if [ -r "$fulcrum_release" ]; then
    while IFS= read -r fulcrum_line || [ -n "$fulcrum_line" ]; do
      case $fulcrum_line in
        JAVA_VERSION=*)
          fulcrum_line=${fulcrum_line#JAVA_VERSION=}
          fulcrum_line=${fulcrum_line#\"}
          fulcrum_line=${fulcrum_line%%[!0-9]*}
          [ -n "$fulcrum_line" ] && { printf '%s\n' "$fulcrum_line"; return 0; }
          ;;
      esac
    done < "$fulcrum_release"
  fi
  "$1" -version 2>&1 | awk -F'"' '/ version "/ { print $2; exit }' | sed -E 's/^([0-9]+).*/\1/'
}

# True when $1/bin/java and $1/bin/javac exist and java is 25 or newer.
fulcrum_is_recent_jdk() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  fulcrum_major=$(fulcrum_java_major "$1/bin/java")
  case $fulcrum_major in
    '' | *[!0-9]*) return 1 ;;
  esac
  [ "$fulcrum_major" -ge "$fulcrum_required_java" ]
}

fulcrum_java_home() {
  if [ -n "${JAVA_HOME:-}" ] && fulcrum_is_recent_jdk "$JAVA_HOME"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  # Globbing may be off in the caller (./mvnw runs under `set -f`): on for this loop only.
  fulcrum_glob_was_off=false
  case $- in *f*) fulcrum_glob_was_off=true; set +f ;; esac
  fulcrum_found=
  for fulcrum_dir in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
    if fulcrum_is_recent_jdk "$fulcrum_dir"; then
      fulcrum_found=$fulcrum_dir
      break
    fi
  done
  if $fulcrum_glob_was_off; then set -f; fi
  if [ -n "$fulcrum_found" ]; then
    printf '%s\n' "$fulcrum_found"
    return 0
  fi
  if fulcrum_on_path=$(command -v javac 2>/dev/null); then
    fulcrum_dir=$(dirname "$(dirname "$(readlink -f "$fulcrum_on_path")")")
    if fulcrum_is_recent_jdk "$fulcrum_dir"; then
      printf '%s\n' "$fulcrum_dir"
      return 0
    fi
  fi
  return 1
}

# The message for a machine without a JDK 25, on stderr.
fulcrum_no_java_message() {
  {
    echo "fulcrum: a JDK $fulcrum_required_java or newer is required and none was found."
    echo "  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/*25*, and 'javac' on PATH."
    echo "  Install a JDK $fulcrum_required_java (for example Eclipse Temurin $fulcrum_required_java) and/or set JAVA_HOME to it."
  } >&2
}

# Sourced by ./bpfring and ./run-tests: finds a JDK >= 25 (JAVA_HOME first, then the newest
# under /usr/lib/jvm), exports JAVA_HOME, and mounts tracefs and bpffs when root and missing.

java_feature() { # prints the feature release of the JDK at $1, or nothing
  [ -x "$1/bin/javac" ] || return 0
  local v=""
  # The JDK's release file says it without starting a JVM, which takes about 80 ms.
  [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release")
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
      awk -F'= ' '/java.specification.version/ { split($2, v, "."); print v[1] }')
  fi
  echo "$v"
}

find_jdk() {
  local home v best="" best_v=0
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for home in /usr/lib/jvm/*; do
    v=$(java_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v=$v; fi
  done
  [ -n "$best" ] && echo "$best"
}

if ! JAVA_HOME=$(find_jdk); then
  echo "bpfring needs a JDK 25 or newer (it builds for release 25): none in JAVA_HOME or /usr/lib/jvm." >&2
  echo "Install one, or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

if [ "$(id -u)" -eq 0 ]; then
  if [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
      echo "warning: could not mount tracefs at /sys/kernel/tracing" >&2
  fi
  if ! grep -qs ' /sys/fs/bpf bpf ' /proc/self/mounts; then
    mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "warning: could not mount bpffs at /sys/fs/bpf" >&2
  fi
fi

# Maven 3.8+ builds bpfring; install it from the distribution when it is missing.
ensure_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing Maven..." >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven; } >&2
    else
      echo "bpfring needs Maven 3.8 or newer: install it (apt-get install maven)." >&2
      exit 1
    fi
  fi
  # Maven's own libraries still use sun.misc.Unsafe; keep the JDK from warning about it.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}

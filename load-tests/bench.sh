#!/usr/bin/env bash
# ./strato bench boot-storm [servers] / batch [servers] / boot-open [rate]: builds what the load tests need, then runs
# BenchMain, which starts the all-in-one (1,000 simulated hosts) in its own JVM, runs the Gatling simulation against
# it and prints one line. Extra JVM system properties for BenchMain (load.*, bench.*) go in BENCH_OPTS.
set -euo pipefail
cd "$(dirname "$0")"

MVN_OFFLINE=${MVN_OFFLINE:--o}
# Through the reactor: install every module the load tests use, then the test classpath of load-tests.
mvn -q $MVN_OFFLINE -f ../pom.xml -pl load-tests -am -DskipTests install >&2
mvn -q $MVN_OFFLINE -DskipTests -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test \
  test-compile dependency:build-classpath >&2

# Private copies of Strato's own jars: another build installing into ~/.m2 meanwhile must not swap a jar under the
# running JVMs (NoClassDefFoundError halfway through a run).
rm -rf target/bench-jars && mkdir -p target/bench-jars
CP=""
IFS=: read -ra ENTRIES < target/classpath.txt || true  # no newline at the end
for e in "${ENTRIES[@]}"; do
  case "$e" in
    */io/strato/*.jar) cp "$e" target/bench-jars/ && e="$PWD/target/bench-jars/$(basename "$e")" ;;
  esac
  CP="$CP:$e"
done
mkdir -p target/bench-classes && cp -r target/test-classes/. target/bench-classes/

# Chronicle Map (the scheduler, in the cloud's JVM) needs these on Java 17, and must not phone home (FACTS.md).
FLAGS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true"

# shellcheck disable=SC2086
exec java $FLAGS -Xmx1g -DSTRATO_LOG_LEVEL=WARN -Dbench.cloud.jvm.flags="$FLAGS" ${BENCH_OPTS:-} \
  -cp "target/bench-classes$CP" io.strato.load.BenchMain "$@"

#!/usr/bin/env bash
# Builds the scheduler module and runs its benchmark (SchedulerBenchmark), printing one line per
# fleet size. Arguments go to the benchmark, e.g. ./bench.sh --sizes=10000 --iterations=3
set -euo pipefail
cd "$(dirname "$0")"

MVN_OFFLINE=${MVN_OFFLINE:--o}
# Through the reactor: the scheduler depends on strato-common, which need not be installed in ~/.m2.
mvn -q $MVN_OFFLINE -f ../pom.xml -pl scheduler -am -DskipTests -Dmdep.outputFile=target/classpath.txt \
  package dependency:build-classpath >&2

# Chronicle Map needs these on Java 17, and must not phone home (FACTS.md).
CHRONICLE_FLAGS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true"

# Logback (from strato-common) would print Chronicle's start-up chatter among the result lines.
exec java $CHRONICLE_FLAGS -DSTRATO_LOG_LEVEL=WARN -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch \
  -cp "target/classes:$(cat target/classpath.txt)" \
  io.strato.scheduler.bench.SchedulerBenchmark "$@"

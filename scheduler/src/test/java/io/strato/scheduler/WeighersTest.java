package io.strato.scheduler;

import static io.strato.scheduler.TestHosts.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.weigher.BuildFailureWeigher;
import io.strato.scheduler.weigher.CPUWeigher;
import io.strato.scheduler.weigher.DiskWeigher;
import io.strato.scheduler.weigher.HostWeigher;
import io.strato.scheduler.weigher.IoOpsWeigher;
import io.strato.scheduler.weigher.RAMWeigher;
import io.strato.scheduler.weigher.WeighingPipeline;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WeighersTest {

    static Stream<Arguments> rawScores() {
        HostState host = host("h1")
                .vcpus(new Capacity(16, 2, 4.0, 10))
                .ram(new Capacity(65_536, 4_096, 1.5, 20_000))
                .disk(new Capacity(1_000, 50, 1.0, 300))
                .ioOps(3)
                .buildFailures(2)
                .state();
        return Stream.of(
                Arguments.of(new RAMWeigher(), host, 65_536 - 4_096 - 20_000, 1.0),
                Arguments.of(new CPUWeigher(), host, 16 * 4.0 - 10, 1.0),
                Arguments.of(new DiskWeigher(), host, 1_000 - 50 - 300, 1.0),
                Arguments.of(new IoOpsWeigher(), host, 3, -1.0),
                Arguments.of(new BuildFailureWeigher(), host, 2, 1_000_000.0));
    }

    @ParameterizedTest(name = "{0} scores the host {2} with Nova default multiplier {3}")
    @MethodSource("rawScores")
    void weigherScoresLikeNova(HostWeigher weigher, HostState host, double raw, double defaultMultiplier) {
        assertThat(weigher.rawWeight(host)).isEqualTo(raw);
        assertThat(weigher.defaultMultiplier()).isEqualTo(defaultMultiplier);
    }

    @Test
    @DisplayName("the emptiest host weighs 1.0 per resource weigher and the fullest 0.0")
    void normalisesBetweenZeroAndOne() {
        WeighingPipeline pipeline = new WeighingPipeline(List.of(new RAMWeigher()), Map.of());
        List<HostState> hosts = List.of(host("a").free(1, 1_000, 10).state(), host("b").free(1, 3_000, 10).state(),
                host("c").free(1, 2_000, 10).state());

        assertThat(pipeline.weighAll(hosts)).containsExactly(0.0, 1.0, 0.5);
    }

    @Test
    @DisplayName("hosts all alike get weight 0 (Nova's normalise of a flat list)")
    void flatScoresWeighZero() {
        WeighingPipeline pipeline = new WeighingPipeline(List.of(new RAMWeigher(), new CPUWeigher()), Map.of());
        List<HostState> hosts = List.of(host("a").state(), host("b").state());

        assertThat(pipeline.weighAll(hosts)).containsExactly(0.0, 0.0);
    }

    @Test
    @DisplayName("a host with recent build failures sinks below every healthy host")
    void buildFailuresSink() {
        WeighingPipeline pipeline = new WeighingPipeline(
                List.of(new RAMWeigher(), new CPUWeigher(), new DiskWeigher(), new IoOpsWeigher(), new BuildFailureWeigher()), Map.of());
        List<HostState> hosts = List.of(host("failing").free(64, 262_144, 4_000).buildFailures(1).state(),
                host("busy").free(1, 1_000, 10).ioOps(7).state());

        double[] weights = pipeline.weighAll(hosts);

        assertThat(weights[0]).isCloseTo(3.0 - 1_000_000.0, within(1e-6));
        assertThat(weights[1]).isCloseTo(-1.0, within(1e-9));
    }

    @Test
    @DisplayName("a configured multiplier replaces the default: negative RAM multiplier stacks")
    void configuredMultiplier() {
        WeighingPipeline pipeline = new WeighingPipeline(List.of(new RAMWeigher()), Map.of("RAMWeigher", -2.0));
        List<HostState> hosts = List.of(host("full").free(1, 1_000, 10).state(), host("empty").free(1, 9_000, 10).state());

        assertThat(pipeline.weighAll(hosts)).containsExactly(0.0, -2.0);
    }
}

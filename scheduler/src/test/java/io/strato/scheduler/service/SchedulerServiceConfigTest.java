package io.strato.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.config.Settings;
import io.strato.scheduler.SchedulerConfig;
import io.strato.scheduler.UnknownPluginException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulerServiceConfigTest {

    private static final Settings DEFAULTS = Settings.load();

    @Test
    @DisplayName("the defaults are Nova's filters, weighers and limits")
    void defaultsAreNovas() {
        SchedulerServiceConfig config = SchedulerServiceConfig.from(DEFAULTS);
        SchedulerConfig nova = SchedulerConfig.defaults();
        assertThat(config.decisions().enabledFilters()).isEqualTo(nova.enabledFilters());
        assertThat(config.decisions().weighers()).isEqualTo(nova.weighers());
        assertThat(config.decisions().maxAttempts()).isEqualTo(nova.maxAttempts());
        assertThat(config.decisions().serviceDownTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.port()).isEqualTo(8780);
        assertThat(config.consumerGroup()).isEqualTo("strato-scheduler");
    }

    @ParameterizedTest(name = "{0}={1} fails start-up naming the known {2}s")
    @CsvSource(delimiter = '|', value = {
        "scheduler.enabled.filters  | RamFilter,NoSuchFilter      | filter",
        "scheduler.weighers         | RAMWeigher,FancyWeigher     | weigher",
        "scheduler.weight.multipliers | FancyWeigher=2.0          | weigher"})
    void unknownNamesFailStartUp(String key, String value, String kind) {
        assertThatThrownBy(() -> SchedulerServiceConfig.from(DEFAULTS.with(key, value)))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("unknown " + kind)
                .hasMessageContaining("known " + kind + "s: ")
                .hasMessageContaining(kind.equals("filter") ? "RamFilter, CoreFilter" : "RAMWeigher, CPUWeigher");
    }

    @Test
    @DisplayName("weight multipliers are read as Weigher=number pairs")
    void multipliers() {
        SchedulerServiceConfig config = SchedulerServiceConfig.from(
                DEFAULTS.with("scheduler.weight.multipliers", "RAMWeigher=2.5, IoOpsWeigher=-1"));
        assertThat(config.decisions().weightMultipliers()).isEqualTo(Map.of("RAMWeigher", 2.5, "IoOpsWeigher", -1.0));
        assertThatThrownBy(() -> SchedulerServiceConfig.from(DEFAULTS.with("scheduler.weight.multipliers", "RAMWeigher")))
                .hasMessageContaining("Weigher=number");
    }
}

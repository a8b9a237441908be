package io.strato.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.scheduler.filter.Filters;
import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.weigher.Weighers;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

    @Test
    @DisplayName("every default filter and weigher exists, in the configured order")
    void defaultsResolve() {
        SchedulerConfig config = SchedulerConfig.defaults();

        List<HostFilter> filters = Filters.registry().create(config.enabledFilters(), config, TestHosts.clock());

        assertThat(filters).extracting(HostFilter::name).containsExactlyElementsOf(config.enabledFilters());
        assertThat(Weighers.registry().create(config.weighers(), config, TestHosts.clock())).hasSize(5);
    }

    @Test
    @DisplayName("an unknown filter name fails start-up and lists the known ones")
    void unknownFilter() {
        SchedulerConfig config = SchedulerConfig.defaults().withFilters(List.of("RamFilter", "RetryFilter"));

        assertThatThrownBy(() -> Filters.registry().create(config.enabledFilters(), config, TestHosts.clock()))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("unknown filter 'RetryFilter'")
                .hasMessageContaining("ComputeFilter")
                .hasMessageContaining("AggregateInstanceExtraSpecsFilter");
    }

    @Test
    @DisplayName("an unknown weigher name fails start-up and lists the known ones")
    void unknownWeigher() {
        SchedulerConfig config = SchedulerConfig.defaults();

        assertThatThrownBy(() -> Weighers.registry().create(List.of("MetricsWeigher"), config, TestHosts.clock()))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("unknown weigher 'MetricsWeigher'")
                .hasMessageContaining("RAMWeigher, CPUWeigher, DiskWeigher, IoOpsWeigher, BuildFailureWeigher");
    }
}

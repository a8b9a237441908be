package io.strato.scheduler;

import static io.strato.scheduler.TestHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.ClaimOutcome;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.host.HostStateStore;
import io.strato.scheduler.host.ResourceAmounts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostStateStoreTest {

    private static final ResourceAmounts ONE_VCPU = new ResourceAmounts(1, 1024, 10);

    @ParameterizedTest(name = "{0} threads race for {1} free vCPUs: exactly {1} win")
    @CsvSource({"8, 5", "16, 1", "4, 4", "12, 0"})
    @DisplayName("concurrent claims never overcommit a host")
    void claimRace(int threads, int freeVcpus) throws Exception {
        try (HostStateStore store = HostStateStore.inMemory(16, Duration.ofMinutes(10), TestHosts.clock())) {
            store.upsertFromReport(host("h1").vcpus(new Capacity(16, 0, 1.0, 16 - freeVcpus)).report());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String instanceId = "instance-" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    return claimUntilDecided(store, instanceId);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> result : results) {
                won += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            pool.shutdown();

            HostState after = store.get("h1").orElseThrow();
            assertThat(won).isEqualTo(Math.min(threads, freeVcpus));
            assertThat(after.vcpus().used()).isEqualTo(16);
            assertThat(after.inFlightClaims()).hasSize(won);
        }
    }

    /** What a scheduler does: check the fit on the state it read, CAS, and on a lost race read again. */
    private static boolean claimUntilDecided(HostStateStore store, String instanceId) {
        HostState seen = store.get("h1").orElseThrow();
        while (seen.fits(ONE_VCPU)) {
            ClaimOutcome outcome = store.claim(seen, instanceId, ONE_VCPU);
            if (outcome.claimed()) {
                return true;
            }
            seen = outcome.current();
        }
        return false;
    }

    @Test
    @DisplayName("after a restart the reopened file shows the same hosts and claims")
    void survivesRestart(@TempDir Path dir) {
        Path file = dir.resolve("host-state.cm");
        HostState claimed;
        try (HostStateStore store = HostStateStore.open(file, 100, Duration.ofMinutes(10), TestHosts.clock())) {
            HostState h1 = store.upsertFromReport(host("h1").aggregate("fast", "ssd", "true").zone("az1").report());
            store.upsertFromReport(host("h2").report());
            claimed = store.claim(h1, "instance-1", ONE_VCPU).current();
        }
        try (HostStateStore reopened = HostStateStore.open(file, 100, Duration.ofMinutes(10), TestHosts.clock())) {
            assertThat(reopened.size()).isEqualTo(2);
            assertThat(reopened.get("h1")).contains(claimed);
            assertThat(reopened.get("h1").orElseThrow().hasClaimFor("instance-1")).isTrue();
        }
    }

    @Test
    @DisplayName("a report that has not seen a claim keeps it: a full host never looks free")
    void reportKeepsUnseenClaims() {
        try (HostStateStore store = HostStateStore.inMemory(16, Duration.ofMinutes(10), TestHosts.clock())) {
            HostState h1 = store.upsertFromReport(host("h1").vcpus(new Capacity(4, 0, 1.0, 3)).report());
            store.claim(h1, "instance-1", ONE_VCPU);

            HostState afterStaleReport = store.upsertFromReport(host("h1").vcpus(new Capacity(4, 0, 1.0, 3)).report());

            assertThat(afterStaleReport.vcpus().used()).isEqualTo(4);
            assertThat(afterStaleReport.hasClaimFor("instance-1")).isTrue();
        }
    }

    @Test
    @DisplayName("a report that accounts for the instance replaces the claim with the agent's figures")
    void reportAccountsForClaim() {
        try (HostStateStore store = HostStateStore.inMemory(16, Duration.ofMinutes(10), TestHosts.clock())) {
            HostState h1 = store.upsertFromReport(host("h1").vcpus(new Capacity(4, 0, 1.0, 3)).report());
            store.claim(h1, "instance-1", ONE_VCPU);

            HostState after = store.upsertFromReport(host("h1").vcpus(new Capacity(4, 0, 1.0, 4)).report(Set.of("instance-1")));

            assertThat(after.vcpus().used()).isEqualTo(4);
            assertThat(after.inFlightClaims()).isEmpty();
        }
    }

    @Test
    @DisplayName("a claim no report ever accounts for expires after its time to live")
    void unseenClaimExpires() {
        Clock late = Clock.fixed(Instant.ofEpochMilli(TestHosts.NOW + Duration.ofMinutes(11).toMillis()), ZoneOffset.UTC);
        HostState claimed = host("h1").state().withClaim(new io.strato.scheduler.host.InFlightClaim("instance-1", ONE_VCPU, TestHosts.NOW));
        HostState after = HostState.fromReport(host("h1").report(), claimed, late.millis(), Duration.ofMinutes(10).toMillis());

        assertThat(after.inFlightClaims()).isEmpty();
        assertThat(after.vcpus().used()).isZero();
    }

    @Test
    @DisplayName("releasing a claim gives its resources back, and releasing twice changes nothing")
    void releaseIsIdempotent() {
        try (HostStateStore store = HostStateStore.inMemory(16, Duration.ofMinutes(10), TestHosts.clock())) {
            HostState h1 = store.upsertFromReport(host("h1").report());
            store.claim(h1, "instance-1", ONE_VCPU);

            HostState once = store.release("h1", "instance-1").orElseThrow();
            HostState twice = store.release("h1", "instance-1").orElseThrow();

            assertThat(once.vcpus().used()).isZero();
            assertThat(once.ramMb().used()).isZero();
            assertThat(twice).isEqualTo(once);
        }
    }

    @Test
    @DisplayName("claiming against a state that changed since it was read loses")
    void staleClaimLoses() {
        try (HostStateStore store = HostStateStore.inMemory(16, Duration.ofMinutes(10), TestHosts.clock())) {
            HostState seen = store.upsertFromReport(host("h1").report());
            store.claim(seen, "instance-1", ONE_VCPU);

            ClaimOutcome late = store.claim(seen, "instance-2", ONE_VCPU);

            assertThat(late.claimed()).isFalse();
            assertThat(late.current().generation()).isEqualTo(seen.generation() + 1);
            assertThat(late.current().hasClaimFor("instance-2")).isFalse();
        }
    }
}

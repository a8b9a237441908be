package io.strato.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pool math of the IP allocator: parsing, default pools, explicit pools, and where random candidates fall. */
class AllocationPoolsTest {

  @ParameterizedTest(name = "{0} is read back as {1}")
  @CsvSource({
      "10.0.0.1, 10.0.0.1",
      "255.255.255.255, 255.255.255.255",
      "fd00::1, fd00::1",
      "FD00:0:0:0:0:0:0:1, fd00::1",
      "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
      "::, ::",
      "::1, ::1",
      "2001:db8::ffff:10.0.0.1, 2001:db8::ffff:a00:1",
      "1:0:0:1:0:0:0:1, 1:0:0:1::1",
  })
  @DisplayName("addresses are parsed and written in canonical form")
  void parsesAndFormats(String text, String canonical) {
    assertThat(Ip.parseOrNull(text)).hasToString(canonical);
  }

  @ParameterizedTest(name = "''{0}'' is not an IP address")
  @CsvSource({"256.0.0.1", "10.0.0", "10.0.0.01", "localhost", "fd00:::1", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "''",
      "1::2::3", "10.0.0.1/24"})
  @DisplayName("anything but an IP literal is refused (and never looked up in DNS)")
  void refusesNonLiterals(String text) {
    assertThat(Ip.parseOrNull(text)).isNull();
  }

  @ParameterizedTest(name = "{0} with gateway {1} pools {2}")
  @CsvSource(delimiter = ';', value = {
      "10.0.0.0/24; 10.0.0.1; 10.0.0.2-10.0.0.254",
      "10.0.0.0/22; 10.0.0.1; 10.0.0.2-10.0.3.254",
      "10.0.0.0/24; 10.0.0.100; 10.0.0.1-10.0.0.99,10.0.0.101-10.0.0.254",
      "10.0.0.0/24; 10.0.0.254; 10.0.0.1-10.0.0.253",
      "10.0.0.0/24; ; 10.0.0.1-10.0.0.254",
      "10.0.0.0/30; 10.0.0.1; 10.0.0.2-10.0.0.2",
      "10.0.0.0/31; ; ''",
      "10.0.0.7/32; ; 10.0.0.7-10.0.0.7",
      "fd00::/64; fd00::1; fd00::2-fd00::ffff:ffff:ffff:ffff",
      "fd00::/126; fd00::1; fd00::2-fd00::3",
  })
  @DisplayName("default pools are the usable prefix minus the gateway (IPv4: minus network and broadcast too)")
  void defaultPools(String cidr, String gateway, String expected) {
    AllocationPools pools = AllocationPools.defaults(Cidr.parseOrNull(cidr, true), Ip.parseOrNull(gateway));
    String actual = String.join(",", pools.ranges().stream().map(r -> r.start() + "-" + r.end()).toList());
    assertThat(actual).isEqualTo(expected == null ? "" : expected);
  }

  @Test
  @DisplayName("a /23 offers 509 addresses; an IPv6 /64 about 2^64")
  void poolSizes() {
    Cidr v4 = Cidr.parseOrNull("10.1.0.0/23", true);
    assertThat(AllocationPools.defaults(v4, v4.first().plus(1)).size()).isEqualTo(BigInteger.valueOf(509));
    Cidr v6 = Cidr.parseOrNull("fd00:1::/64", true);
    assertThat(AllocationPools.defaults(v6, v6.first().plus(1)).size())
        .isEqualTo(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.TWO));
  }

  @ParameterizedTest(name = "{0} in the pools of 10.0.0.0/24 (gateway .1) answers {1}")
  @CsvSource(delimiter = ';', value = {
      "10.0.0.10-10.0.0.5; InvalidAllocationPool",
      "10.0.0.0-10.0.0.5; OutOfBoundsAllocationPool",
      "10.0.0.250-10.0.0.255; OutOfBoundsAllocationPool",
      "10.0.1.1-10.0.1.5; OutOfBoundsAllocationPool",
      "fd00::1-fd00::5; InvalidAllocationPool",
      "10.0.0.2-10.0.0.20,10.0.0.20-10.0.0.30; OverlappingAllocationPools",
      "10.0.0.1-10.0.0.20; GatewayConflictWithAllocationPools",
  })
  @DisplayName("explicit pools outside the subnet, overlapping or holding the gateway are refused")
  void badPools(String ranges, String type) {
    JsonArray json = new JsonArray();
    for (String r : ranges.split(",")) {
      json.add(new JsonObject().put("start", r.split("-", 2)[0]).put("end", r.substring(r.indexOf('-', 3) + 1)));
    }
    Cidr cidr = Cidr.parseOrNull("10.0.0.0/24", true);
    assertThatThrownBy(() -> AllocationPools.parse(json, cidr, Ip.parseOrNull("10.0.0.1")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.type()).isEqualTo(type));
  }

  @Test
  @DisplayName("explicit pools are kept in address order")
  void goodPools() {
    JsonArray json = new JsonArray().add(new JsonObject().put("start", "10.0.0.100").put("end", "10.0.0.200"))
        .add(new JsonObject().put("start", "10.0.0.10").put("end", "10.0.0.20"));
    AllocationPools pools = AllocationPools.parse(json, Cidr.parseOrNull("10.0.0.0/24", true), Ip.parseOrNull("10.0.0.1"));
    assertThat(pools.toJson().getJsonObject(0).getString("start")).isEqualTo("10.0.0.10");
    assertThat(pools.size()).isEqualTo(BigInteger.valueOf(112));
  }

  @ParameterizedTest(name = "random candidates of {0} stay in its pools and never hit the gateway")
  @CsvSource({"10.0.0.0/29", "10.0.0.0/24", "fd00::/125", "fd00::/64", "2001:db8::/32"})
  @DisplayName("random candidates always fall inside the pools")
  void randomCandidatesStayInPools(String text) {
    Cidr cidr = Cidr.parseOrNull(text, true);
    Ip gateway = cidr.first().plus(1);
    AllocationPools pools = AllocationPools.defaults(cidr, gateway);
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      Ip ip = pools.random(random);
      assertThat(pools.contains(ip)).isTrue();
      assertThat(ip).isNotEqualTo(gateway);
      assertThat(cidr.reserved(ip)).isFalse();
    }
  }

  @Test
  @DisplayName("random candidates cover a small pool evenly")
  void randomCandidatesCoverSmallPools() {
    AllocationPools pools = AllocationPools.defaults(Cidr.parseOrNull("10.0.0.0/29", true), Ip.parseOrNull("10.0.0.1"));
    var seen = new java.util.HashSet<String>();
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) seen.add(pools.random(random).toString());
    assertThat(seen).containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
  }

  @ParameterizedTest(name = "''{0}'' is not a subnet CIDR")
  @CsvSource({"10.0.0.1/24", "10.0.0.0/33", "10.0.0.0", "fd00::1/64", "nonsense/8", "10.0.0.0/-1"})
  @DisplayName("subnet CIDRs must have no host bits")
  void strictCidrs(String text) {
    assertThat(Cidr.parseOrNull(text, true)).isNull();
  }

  @Test
  @DisplayName("security group prefixes are normalised: host bits cleared, a bare address is a host route")
  void looseCidrs() {
    assertThat(Cidr.parseOrNull("10.0.0.1/24", false)).hasToString("10.0.0.0/24");
    assertThat(Cidr.parseOrNull("10.0.0.1", false)).hasToString("10.0.0.1/32");
    assertThat(Cidr.parseOrNull("fd00::1", false)).hasToString("fd00::1/128");
  }
}

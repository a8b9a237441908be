package io.strato.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.db.Database;
import io.strato.common.http.ApiException;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The allocator on its own against the real {@code ip_allocations} table: exhaustion, gap search, IPv6. */
@ExtendWith(SharedInfrastructure.class)
class IpAllocatorTest {
  private static Vertx vertx;
  private static Pool pool;
  private static Networks networks;
  private static Subnets subnets;
  private static final IpAllocator ALLOCATOR = new IpAllocator(new Random(3));

  @BeforeAll
  static void open() {
    vertx = Vertx.vertx();
    pool = TestIdentity.await(Database.open(vertx, SharedInfrastructure.settings(), "neutron"));
    NetworkQuotas quotas = new NetworkQuotas(pool, SharedInfrastructure.settings());
    networks = new Networks(pool, quotas);
    subnets = new Subnets(pool, quotas);
  }

  @AfterAll
  static void close() {
    TestIdentity.await(vertx.close());
  }

  private static Subnet subnet(String text) {
    String networkId = UUID.randomUUID().toString();
    TestIdentity.await(networks.insert(pool, networkId, "allocator-test", new JsonObject().put("mtu", 1500)));
    Cidr cidr = Cidr.parseOrNull(text, true);
    Ip gateway = SubnetFields.gateway(new JsonObject(), cidr);
    return TestIdentity.await(subnets.insert(UUID.randomUUID().toString(), networkId, "allocator-test", cidr, gateway,
        AllocationPools.defaults(cidr, gateway), new JsonObject()));
  }

  private static String port(Subnet s) {
    String id = UUID.randomUUID().toString();
    TestIdentity.await(pool.preparedQuery("INSERT INTO ports(id, network_id, project_id, mac_address)"
            + " VALUES ($1, $2, 'allocator-test', $3::text::macaddr)")
        .execute(Tuple.of(UUID.fromString(id), UUID.fromString(s.networkId()),
            new Ports(pool, null, subnets, ALLOCATOR, "fa:16:3e").randomMac())));
    return id;
  }

  private static Ip allocate(Subnet s) {
    String port = port(s);
    return TestIdentity.await(pool.withTransaction(tx -> ALLOCATOR.allocate(tx, s, port, 0)));
  }

  private static Future<Ip> tryAllocate(Subnet s) {
    String port = port(s);
    return pool.withTransaction(tx -> ALLOCATOR.allocate(tx, s, port, 0));
  }

  @ParameterizedTest(name = "{0} hands out exactly its {1} pool addresses, then answers IpAddressGenerationFailure")
  @CsvSource({"10.20.0.0/29, 5", "10.20.0.16/28, 13", "fd00:20::/125, 6"})
  @DisplayName("a subnet hands out every pool address once, never the gateway, then reports it is full")
  void exhaustsThenFails(String cidr, int size) {
    Subnet s = subnet(cidr);
    Set<Ip> got = new HashSet<>();
    for (int i = 0; i < size; i++) {
      Ip ip = allocate(s);
      assertThat(s.pools().contains(ip)).as(ip.toString()).isTrue();
      assertThat(ip).isNotEqualTo(s.gateway());
      assertThat(got.add(ip)).as("handed out twice: " + ip).isTrue();
    }
    assertThatThrownBy(() -> TestIdentity.await(tryAllocate(s)))
        .hasRootCauseInstanceOf(ApiException.class)
        .rootCause().satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo("IpAddressGenerationFailure"));
  }

  @Test
  @DisplayName("in a full subnet, the one released address is found and handed out again")
  void findsTheLastFreeAddress() {
    Subnet s = subnet("10.20.1.0/27");
    List<Ip> all = new ArrayList<>();
    for (int i = 0; i < 29; i++) all.add(allocate(s));
    Ip released = all.get(17);
    TestIdentity.await(pool.preparedQuery("DELETE FROM ip_allocations WHERE subnet_id = $1 AND ip_address = $2::text::inet")
        .execute(Tuple.of(UUID.fromString(s.id()), released.toString())));
    assertThat(allocate(s)).isEqualTo(released);
  }

  @Test
  @DisplayName("an IPv6 /64 allocates at once from its 2^64 addresses")
  void ipv6Slash64() {
    Subnet s = subnet("fd00:21::/64");
    Set<Ip> got = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Ip ip = allocate(s);
      assertThat(ip.version()).isEqualTo(6);
      assertThat(s.cidr().contains(ip)).isTrue();
      assertThat(got.add(ip)).isTrue();
    }
  }

  @Test
  @DisplayName("an exact address is given once; asking again answers IpAddressAlreadyAllocated")
  void exactTwice() {
    Subnet s = subnet("10.20.2.0/24");
    Ip ip = Ip.parseOrNull("10.20.2.77");
    String first = port(s);
    TestIdentity.await(pool.withTransaction(tx -> ALLOCATOR.allocateExact(tx, s, ip, first, 0)));
    String second = port(s);
    assertThatThrownBy(() -> TestIdentity.await(pool.withTransaction(tx -> ALLOCATOR.allocateExact(tx, s, ip, second,
        0)))).rootCause().satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo("IpAddressAlreadyAllocated"));
  }
}

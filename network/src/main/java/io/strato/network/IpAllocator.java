package io.strato.network;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out addresses from a subnet's allocation pools, never the same address twice.
 *
 * <p>The guarantee is the primary key {@code (subnet_id, ip_address)} of {@code ip_allocations}, not a lock: every
 * attempt is one {@code INSERT ... ON CONFLICT DO NOTHING}, so when two ports race for one address exactly one gets
 * it and the other just tries another candidate. Nothing serialises the allocations of a subnet.
 *
 * <p>NOTE: to keep lost races rare (no retry storms), candidates are spread out instead of "lowest free first",
 * which would send every concurrent request to the same address:
 * <ol>
 *   <li>{@value #RANDOM_PROBES} addresses drawn uniformly from the pools (in Java, as numbers, so an IPv6 /64 costs
 *       the same as an IPv4 /24) are probed in one statement, which inserts the first one free in its snapshot.
 *       While the pools are not nearly full this succeeds at once; two concurrent requests collide with probability
 *       about 1/free.</li>
 *   <li>When random probes miss (the pools are nearly full), the free addresses are found in SQL from the allocated
 *       ones: the edges of every free gap (pool ends, and the neighbours of each allocated address) minus those
 *       taken, in O(allocations) rather than O(pool size). A random few of them are probed the same way. No
 *       candidate at all means the subnet is full: 409 {@code IpAddressGenerationFailure}.</li>
 * </ol>
 * Each lost race means another request took an address, so attempts are bounded by the number of concurrent
 * allocators (connections), not by the pool size. Works inside the caller's transaction (READ COMMITTED: each
 * statement sees what others have committed meanwhile).
 */
final class IpAllocator {
  static final int RANDOM_PROBES = 16;
  static final int RANDOM_ROUNDS = 2;
  static final int GAP_PROBES = 8;
  static final int MAX_ATTEMPTS = 200;

  private static final String PROBE = "INSERT INTO ip_allocations(subnet_id, ip_address, port_id, ordinal)"
      + " SELECT $1, c.ip, $3, $4 FROM unnest($2::text[]::inet[]) WITH ORDINALITY AS c(ip, n)"
      + " WHERE NOT EXISTS (SELECT 1 FROM ip_allocations a WHERE a.subnet_id = $1 AND a.ip_address = c.ip)"
      + " ORDER BY c.n LIMIT 1 ON CONFLICT DO NOTHING RETURNING host(ip_address) AS ip";
  private static final String FREE_EDGES = "WITH pool AS (SELECT p.s, p.e FROM unnest($2::text[]::inet[],"
      + " $3::text[]::inet[]) AS p(s, e)),"
      + " taken AS (SELECT ip_address AS ip FROM ip_allocations WHERE subnet_id = $1),"
      + " edge AS (SELECT s AS ip FROM pool UNION SELECT e FROM pool"
      + "   UNION SELECT t.ip + 1 FROM taken t JOIN pool p ON t.ip >= p.s AND t.ip < p.e"
      + "   UNION SELECT t.ip - 1 FROM taken t JOIN pool p ON t.ip > p.s AND t.ip <= p.e)"
      + " SELECT host(edge.ip) AS ip FROM edge WHERE NOT EXISTS (SELECT 1 FROM taken WHERE taken.ip = edge.ip)"
      + " ORDER BY random() LIMIT " + GAP_PROBES;
  private static final String EXACT = "INSERT INTO ip_allocations(subnet_id, ip_address, port_id, ordinal)"
      + " VALUES ($1, $2::text::inet, $3, $4) ON CONFLICT DO NOTHING RETURNING host(ip_address) AS ip";

  private final Random random;

  IpAllocator() {
    this(null);
  }

  /** With a seeded {@code random} for reproducible tests; {@code null} uses the thread-local one. */
  IpAllocator(Random random) {
    this.random = random;
  }

  /** A free address of the subnet's pools, now allocated to {@code portId}; 409 when the subnet is full. */
  Future<Ip> allocate(SqlClient tx, Subnet subnet, String portId, int ordinal) {
    if (subnet.pools().ranges().isEmpty()) return Future.failedFuture(full(subnet));
    return attempt(tx, subnet, portId, ordinal, 0);
  }

  private Future<Ip> attempt(SqlClient tx, Subnet subnet, String portId, int ordinal, int attempt) {
    if (attempt >= MAX_ATTEMPTS) {
      return Future.failedFuture(new ApiException(409, "IpAddressGenerationFailure", "No IP address could be"
          + " allocated on subnet " + subnet.id() + " after " + MAX_ATTEMPTS + " attempts under contention."));
    }
    Future<List<String>> candidates = attempt < RANDOM_ROUNDS
        ? Future.succeededFuture(randomCandidates(subnet.pools()))
        : freeEdges(tx, subnet);
    return candidates.compose(list -> {
      if (list.isEmpty()) return Future.failedFuture(full(subnet));
      return probe(tx, subnet, list, portId, ordinal)
          .compose(ip -> ip != null ? Future.succeededFuture(ip) : attempt(tx, subnet, portId, ordinal, attempt + 1));
    });
  }

  /** {@code ip} for {@code portId}: 409 IpAddressAlreadyAllocated when someone has it already. */
  Future<Ip> allocateExact(SqlClient tx, Subnet subnet, Ip ip, String portId, int ordinal) {
    return tx.preparedQuery(EXACT).execute(Tuple.of(UUID.fromString(subnet.id()), ip.toString(),
            UUID.fromString(portId), ordinal))
        .recover(e -> Future.failedFuture(Neutron.violates(e, "ip_allocations_subnet_id_fkey")
            ? Neutron.notFound("Subnet", subnet.id()) : e))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Neutron.conflict("IpAddressAlreadyAllocated", "IP address " + ip + " already allocated in subnet "
                + subnet.id());
          }
          return ip;
        });
  }

  private Future<Ip> probe(SqlClient tx, Subnet subnet, List<String> candidates, String portId, int ordinal) {
    return tx.preparedQuery(PROBE).execute(Tuple.of(UUID.fromString(subnet.id()), candidates.toArray(String[]::new),
            UUID.fromString(portId), ordinal))
        .recover(e -> Future.failedFuture(Neutron.violates(e, "ip_allocations_subnet_id_fkey")
            ? Neutron.notFound("Subnet", subnet.id()) : e))
        .map(rows -> rows.size() == 0 ? null : Ip.parseOrNull(rows.iterator().next().getString("ip")));
  }

  List<String> randomCandidates(AllocationPools pools) {
    Random r = random != null ? random : ThreadLocalRandom.current();
    List<String> out = new ArrayList<>(RANDOM_PROBES);
    for (int i = 0; i < RANDOM_PROBES; i++) out.add(pools.random(r).toString());
    return out;
  }

  private Future<List<String>> freeEdges(SqlClient tx, Subnet subnet) {
    List<AllocationPools.Range> ranges = subnet.pools().ranges();
    String[] starts = ranges.stream().map(r -> r.start().toString()).toArray(String[]::new);
    String[] ends = ranges.stream().map(r -> r.end().toString()).toArray(String[]::new);
    return tx.preparedQuery(FREE_EDGES).execute(Tuple.of(UUID.fromString(subnet.id()), starts, ends)).map(rows -> {
      List<String> out = new ArrayList<>();
      for (Row row : rows) out.add(row.getString("ip"));
      return out;
    });
  }

  static ApiException full(Subnet subnet) {
    return Neutron.conflict("IpAddressGenerationFailure", "No more IP addresses available on subnet " + subnet.id()
        + ".");
  }
}

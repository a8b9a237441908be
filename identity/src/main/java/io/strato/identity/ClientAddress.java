package io.strato.identity;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The address a request came from, as login throttling counts it: the peer's address, or, when the peer is one of
 * {@code identity.trusted.proxies}, the right-most {@code X-Forwarded-For} entry that is not a trusted proxy (what
 * the first untrusted hop said). {@code X-Forwarded-For} from anyone else is ignored, since a client can write any.
 */
final class ClientAddress {
  private static final int MAX_LENGTH = 64;
  private final Set<String> trustedProxies;

  ClientAddress(String trustedProxies) {
    this.trustedProxies = Arrays.stream(trustedProxies.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  String of(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    String peer = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded == null || !trustedProxies.contains(peer)) return peer;
    List<String> hops = Arrays.stream(forwarded.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (int i = hops.size() - 1; i >= 0; i--) {
      if (!trustedProxies.contains(hops.get(i))) return clip(hops.get(i));
    }
    return peer;
  }

  private static String clip(String address) {
    return address.length() > MAX_LENGTH ? address.substring(0, MAX_LENGTH) : address;
  }
}

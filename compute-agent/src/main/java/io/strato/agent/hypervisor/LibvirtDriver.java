package io.strato.agent.hypervisor;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libvirt driver: {@code test:///default} (real libvirt code, simulated hypervisor) or {@code qemu:///system}.
 * Every libvirt call runs on a worker thread through {@code executeBlocking}; the connection is opened on first use.
 *
 * <p>When libvirtd restarts or the connection drops, a call that fails on a connection that is no longer alive (or
 * cannot open one) drops it and is tried again on a new one, after a back-off doubling from
 * {@code agent.libvirt.reconnect.initial.ms} to {@code agent.libvirt.reconnect.max.ms}, the waits on timers (no
 * worker sleeps). Every operation here is idempotent (a domain already defined or started is found, not made
 * again), so a call whose answer was lost is safe to repeat. Past {@code agent.libvirt.reconnect.timeout.seconds}
 * the call fails, so a build waits bounded and then ends in ERROR. A probe every
 * {@code agent.libvirt.probe.interval.seconds} notices a restart even while nothing calls libvirt; each time a
 * connection is opened again after one was lost, the {@link #onReconnect} action runs (on the context that made the
 * driver): the hypervisor may have lost or kept domains meanwhile.
 */
public final class LibvirtDriver implements HypervisorDriver {
  private static final Logger LOG = LoggerFactory.getLogger(LibvirtDriver.class);
  private final Vertx vertx;
  private final Context context;
  private final String uri;
  private final Path diskRoot;
  private final LibvirtReconnect policy;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final long probeTimer;
  private volatile Connect conn;
  /** A connection was lost and none has been opened since. */
  private boolean lost;
  private volatile boolean closed;
  private volatile Runnable onReconnect = () -> { };

  public LibvirtDriver(Vertx vertx, String uri, Path diskRoot, LibvirtReconnect policy) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.uri = uri;
    this.diskRoot = diskRoot;
    this.policy = policy;
    this.probeTimer = policy.probeIntervalMs() > 0 ? vertx.setPeriodic(policy.probeIntervalMs(), t -> probe()) : -1;
  }

  private interface LibvirtCall<T> {
    T call(Connect conn) throws LibvirtException;
  }

  /** The connection is gone (or could not be opened): the call may succeed on a new one. */
  private static final class ConnectionLost extends RuntimeException {
    ConnectionLost(LibvirtException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  @Override
  public void onReconnect(Runnable action) {
    this.onReconnect = action;
  }

  private <T> Future<T> blocking(LibvirtCall<T> call) {
    return attempt(call, System.currentTimeMillis() + policy.timeoutMs(), policy.initialMs());
  }

  private <T> Future<T> attempt(LibvirtCall<T> call, long deadline, long backoffMs) {
    return vertx.executeBlocking(() -> once(call), false).recover(e -> {
      if (!(e instanceof ConnectionLost) || closed) return Future.failedFuture(e);
      if (System.currentTimeMillis() + backoffMs > deadline) {
        return Future.failedFuture(new IllegalStateException("libvirt at " + uri + " is unreachable ("
            + e.getMessage() + "); gave up after " + policy.timeoutMs() / 1000 + " s", e.getCause()));
      }
      LOG.debug("libvirt at {} unreachable ({}); trying again in {} ms", uri, e.getMessage(), backoffMs);
      Promise<T> later = Promise.promise();
      vertx.setTimer(backoffMs, t -> attempt(call, deadline, Math.min(policy.maxMs(), backoffMs * 2))
          .onComplete(later));
      return later.future();
    });
  }

  /** One try, on a worker: a failure on a connection that is no longer alive drops it and says so. */
  private <T> T once(LibvirtCall<T> call) throws LibvirtException {
    Connect c;
    try {
      c = connection();
    } catch (LibvirtException e) {
      throw new ConnectionLost(e);
    }
    try {
      return call.call(c);
    } catch (LibvirtException e) {
      if (alive(c)) throw e; // the operation failed, not the connection
      drop(c, e);
      throw new ConnectionLost(e);
    }
  }

  private static boolean alive(Connect c) {
    try {
      return c.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private Connect connection() throws LibvirtException {
    Connect c = conn;
    if (c != null) return c;
    boolean reopened;
    synchronized (this) {
      if (conn != null) return conn;
      conn = new Connect(uri);
      reopened = lost;
      lost = false;
      c = conn;
    }
    if (reopened) {
      LOG.info("libvirt at {} reachable again: connection re-opened", uri);
      context.runOnContext(v -> onReconnect.run());
    }
    return c;
  }

  private synchronized void drop(Connect c, LibvirtException why) {
    if (conn != c) return; // another call dropped it already
    LOG.warn("libvirt connection to {} lost ({}); re-opening it", uri, why.getMessage());
    conn = null;
    lost = true;
    try {
      c.close();
    } catch (LibvirtException ignored) {
      // the connection is broken already
    }
  }

  /** One cheap call, no retry: notices a dead connection (and re-opens it) while no build calls libvirt. */
  private void probe() {
    if (closed || !probing.compareAndSet(false, true)) return;
    vertx.executeBlocking(() -> once(Connect::getVersion), false).onComplete(r -> probing.set(false));
  }

  @Override
  public Future<HostFacts> hostFacts() {
    return blocking(c -> LibvirtHost.facts(c, diskRoot.toFile()));
  }

  @Override
  public Future<Void> spawn(GuestSpec guest) {
    return blocking(c -> {
      LibvirtGuests.spawn(c, guest);
      return null;
    });
  }

  @Override
  public Future<Void> destroy(String uuid) {
    return blocking(c -> {
      LibvirtGuests.destroy(c, uuid);
      return null;
    });
  }

  @Override
  public Future<String> domainXml(String uuid) {
    return blocking(c -> LibvirtGuests.xml(c, uuid));
  }

  @Override
  public Future<Void> define(String xml, boolean start) {
    return blocking(c -> {
      LibvirtGuests.define(c, xml, start);
      return null;
    });
  }

  @Override
  public Future<Void> reboot(String uuid, boolean hard) {
    return blocking(c -> {
      LibvirtGuests.reboot(c, uuid, hard);
      return null;
    });
  }

  @Override
  public Future<Void> powerOff(String uuid) {
    return blocking(c -> {
      LibvirtGuests.powerOff(c, uuid);
      return null;
    });
  }

  @Override
  public Future<Void> powerOn(String uuid) {
    return blocking(c -> {
      LibvirtGuests.powerOn(c, uuid);
      return null;
    });
  }

  @Override
  public Future<Void> pause(String uuid) {
    return blocking(c -> {
      LibvirtGuests.pause(c, uuid);
      return null;
    });
  }

  @Override
  public Future<Void> unpause(String uuid) {
    return blocking(c -> {
      LibvirtGuests.unpause(c, uuid);
      return null;
    });
  }

  @Override
  public Future<Void> suspend(String uuid) {
    return blocking(c -> {
      LibvirtGuests.suspend(c, uuid);
      return null;
    });
  }

  @Override
  public Future<Void> resume(String uuid) {
    return blocking(c -> {
      LibvirtGuests.powerOn(c, uuid); // starting a domain with a managed save restores it
      return null;
    });
  }

  @Override
  public Future<Void> attachDisk(String uuid, GuestSpec.Disk disk) {
    return blocking(c -> {
      LibvirtDisks.attach(c, uuid, disk);
      return null;
    });
  }

  @Override
  public Future<Void> detachDisk(String uuid, String target) {
    return blocking(c -> {
      LibvirtDisks.detach(c, uuid, target);
      return null;
    });
  }

  @Override
  public Future<Integer> powerState(String uuid) {
    return blocking(c -> LibvirtGuests.powerState(c, uuid));
  }

  @Override
  public Future<List<String>> domainsOf(String host) {
    return blocking(c -> LibvirtGuests.domainsOf(c, host));
  }

  @Override
  public void close() {
    closed = true;
    if (probeTimer >= 0) vertx.cancelTimer(probeTimer);
    try {
      if (conn != null) conn.close();
    } catch (LibvirtException ignored) {
      // closing on shutdown: nothing useful to do with a failure
    }
  }
}

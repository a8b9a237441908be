package io.strato.agent.hypervisor;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The libvirt driver: {@code test:///default} (real libvirt code, simulated hypervisor) or {@code qemu:///system}.
 * Every libvirt call runs on a worker thread through {@code executeBlocking}; the connection is opened on first use.
 */
public final class LibvirtDriver implements HypervisorDriver {
  private final Vertx vertx;
  private final String uri;
  private final Path diskRoot;
  private volatile Connect conn;

  public LibvirtDriver(Vertx vertx, String uri, Path diskRoot) {
    this.vertx = vertx;
    this.uri = uri;
    this.diskRoot = diskRoot;
  }

  private interface LibvirtCall<T> {
    T call(Connect conn) throws LibvirtException;
  }

  private <T> Future<T> blocking(LibvirtCall<T> call) {
    Callable<T> task = () -> call.call(connection());
    return vertx.executeBlocking(task, false);
  }

  private Connect connection() throws LibvirtException {
    Connect c = conn;
    if (c == null) {
      synchronized (this) {
        if (conn == null) conn = new Connect(uri);
        c = conn;
      }
    }
    return c;
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
  public Future<Integer> powerState(String uuid) {
    return blocking(c -> LibvirtGuests.powerState(c, uuid));
  }

  @Override
  public Future<List<String>> domainsOf(String host) {
    return blocking(c -> LibvirtGuests.domainsOf(c, host));
  }

  @Override
  public void close() {
    try {
      if (conn != null) conn.close();
    } catch (LibvirtException ignored) {
      // closing on shutdown: nothing useful to do with a failure
    }
  }
}

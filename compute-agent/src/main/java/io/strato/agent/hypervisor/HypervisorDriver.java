package io.strato.agent.hypervisor;

import io.vertx.core.Future;
import java.util.List;

/**
 * What the agent needs from a hypervisor, asynchronously: implementations run their blocking calls on worker
 * threads, never on an event loop. Every operation is idempotent on a missing domain where that makes sense
 * (destroying what is gone succeeds), so retries and redeliveries are safe.
 */
public interface HypervisorDriver extends AutoCloseable {
  Future<HostFacts> hostFacts();

  /** Defines the domain and starts it. */
  Future<Void> spawn(GuestSpec guest);

  /** Stops and undefines the domain; succeeds if there is none. */
  Future<Void> destroy(String uuid);

  /** The domain's persistent (inactive) XML, or null when there is none (resize keeps it to define it again). */
  Future<String> domainXml(String uuid);

  /** Defines a domain from {@code xml} (replacing one with its uuid) and starts it if {@code start}. */
  Future<Void> define(String xml, boolean start);

  Future<Void> reboot(String uuid, boolean hard);

  Future<Void> powerOff(String uuid);

  Future<Void> powerOn(String uuid);

  /** Freezes the running guest in memory (Nova's pause). */
  Future<Void> pause(String uuid);

  /** Lets a paused guest run again. */
  Future<Void> unpause(String uuid);

  /** Saves the guest's memory to disk and stops it (Nova's suspend: libvirt's managed save). */
  Future<Void> suspend(String uuid);

  /** Starts a suspended guest from its saved memory. */
  Future<Void> resume(String uuid);

  /**
   * Plugs a disk into the domain: live and in its definition when it runs, in its definition when it does not. A
   * disk already at {@code disk.target()} is left as it is.
   */
  Future<Void> attachDisk(String uuid, GuestSpec.Disk disk);

  /** Unplugs the disk at {@code target} (live and from the definition); succeeds when there is none. */
  Future<Void> detachDisk(String uuid, String target);

  /** Nova's power state of the domain; {@link PowerState#NOSTATE} when there is none. */
  Future<Integer> powerState(String uuid);

  /** The uuids of the domains that belong to {@code host} (see {@link DomainXml#hostOf}). */
  Future<List<String>> domainsOf(String host);

  /**
   * {@code action} runs each time the connection to the hypervisor is opened again after it was lost (libvirtd
   * restarted): what the hypervisor holds may have changed meanwhile (a restarted test driver forgets its domains).
   */
  void onReconnect(Runnable action);

  @Override
  void close();
}

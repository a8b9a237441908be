package io.strato.agent.hypervisor;

import java.util.ArrayList;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/** Guest operations through libvirt (blocking: call from a worker thread). */
final class LibvirtGuests {
  /** libvirt's VIR_DOMAIN_XML_INACTIVE: the definition, without the running domain's id and live state. */
  private static final int INACTIVE_XML = 2;

  private LibvirtGuests() {}

  static void spawn(Connect conn, GuestSpec guest) throws LibvirtException {
    Domain existing = find(conn, guest.uuid());
    Domain d = existing != null ? existing : conn.domainDefineXML(DomainXml.of(guest));
    if (d.isActive() == 0) d.create();
  }

  static void destroy(Connect conn, String uuid) throws LibvirtException {
    Domain d = find(conn, uuid);
    if (d == null) return;
    if (d.isActive() == 1) d.destroy();
    d.undefine();
  }

  /** The persistent definition (what a define takes back), or null when there is no such domain. */
  static String xml(Connect conn, String uuid) throws LibvirtException {
    Domain d = find(conn, uuid);
    return d == null ? null : d.getXMLDesc(INACTIVE_XML);
  }

  /** Defines (or redefines) the domain; a stopped one is started if {@code start}, a running one left running. */
  static void define(Connect conn, String xml, boolean start) throws LibvirtException {
    Domain d = conn.domainDefineXML(xml);
    if (start && d.isActive() == 0) d.create();
  }

  static void reboot(Connect conn, String uuid, boolean hard) throws LibvirtException {
    Domain d = require(conn, uuid);
    if (d.isActive() == 0) {
      d.create();
    } else if (hard) {
      d.destroy();
      d.create();
    } else {
      d.reboot(0);
    }
  }

  static void powerOff(Connect conn, String uuid) throws LibvirtException {
    Domain d = require(conn, uuid);
    if (d.isActive() == 1) d.destroy();
  }

  static void powerOn(Connect conn, String uuid) throws LibvirtException {
    Domain d = require(conn, uuid);
    if (d.isActive() == 0) d.create();
  }

  /** Pauses a running guest; a guest already paused stays so (a redelivered order). */
  static void pause(Connect conn, String uuid) throws LibvirtException {
    Domain d = require(conn, uuid);
    if (PowerState.of(d.getInfo().state) != PowerState.PAUSED) d.suspend();
  }

  static void unpause(Connect conn, String uuid) throws LibvirtException {
    Domain d = require(conn, uuid);
    if (PowerState.of(d.getInfo().state) == PowerState.PAUSED) d.resume();
  }

  /** Saves a running guest's memory (managed save), which stops it; a stopped guest is left as it is. */
  static void suspend(Connect conn, String uuid) throws LibvirtException {
    Domain d = require(conn, uuid);
    if (d.isActive() == 1) d.managedSave();
  }

  static int powerState(Connect conn, String uuid) throws LibvirtException {
    Domain d = find(conn, uuid);
    return d == null ? PowerState.NOSTATE : PowerState.of(d.getInfo().state);
  }

  static List<String> domainsOf(Connect conn, String host) throws LibvirtException {
    List<Domain> all = new ArrayList<>();
    for (int id : conn.listDomains()) all.add(conn.domainLookupByID(id));
    for (String name : conn.listDefinedDomains()) all.add(conn.domainLookupByName(name));
    List<String> mine = new ArrayList<>();
    for (Domain d : all) {
      if (host.equals(DomainXml.hostOf(d.getXMLDesc(0)))) mine.add(d.getUUIDString());
    }
    return mine;
  }

  static Domain require(Connect conn, String uuid) throws LibvirtException {
    Domain d = find(conn, uuid);
    if (d == null) throw new IllegalStateException("no domain " + uuid + " on this hypervisor");
    return d;
  }

  static Domain find(Connect conn, String uuid) throws LibvirtException {
    try {
      return conn.domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) return null;
      throw e;
    }
  }
}

package io.strato.agent.hypervisor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * Disks plugged into and out of a domain (blocking: call from a worker thread), as Nova's libvirt driver does:
 * {@code attachDeviceFlags}/{@code detachDeviceFlags} with LIVE and CONFIG on a running domain, CONFIG on one that
 * is not. Idempotent from what the domain holds: a disk already at its target is not plugged again, a target with no
 * disk is already unplugged, so a repeated order does no harm.
 *
 * <p>NOTE: libvirt's test driver has no device hot-plug; there the disk goes into (or out of) the domain's
 * definition, which is what the guest has from its next start. A real hypervisor gets the hot-plug.
 */
final class LibvirtDisks {
  private static final Pattern DISK = Pattern.compile("(?s)<disk\\b[^>]*>.*?</disk>");

  private LibvirtDisks() {}

  static void attach(Connect conn, String uuid, GuestSpec.Disk disk) throws LibvirtException {
    Domain d = LibvirtGuests.require(conn, uuid);
    boolean active = d.isActive() == 1;
    String config = d.getXMLDesc(Domain.XMLFlags.INACTIVE);
    boolean inConfig = diskAt(config, disk.target()) != null;
    boolean live = active && diskAt(d.getXMLDesc(0), disk.target()) != null;
    if (inConfig && (!active || live)) return;
    String xml = DomainXml.disk(disk, "");
    int flags = (inConfig ? 0 : Domain.DeviceModifyFlags.CONFIG) | (active && !live ? Domain.DeviceModifyFlags.LIVE : 0);
    try {
      d.attachDeviceFlags(xml, flags);
    } catch (LibvirtException e) {
      if (!unsupported(e)) throw e;
      if (!inConfig) conn.domainDefineXML(config.replaceFirst("</devices>", Matcher.quoteReplacement(xml)
          + "</devices>"));
    }
  }

  static void detach(Connect conn, String uuid, String target) throws LibvirtException {
    Domain d = LibvirtGuests.find(conn, uuid);
    if (d == null) return; // no domain, nothing plugged
    boolean active = d.isActive() == 1;
    String config = d.getXMLDesc(Domain.XMLFlags.INACTIVE);
    String inConfig = diskAt(config, target);
    String live = active ? diskAt(d.getXMLDesc(0), target) : null;
    if (inConfig == null && live == null) return;
    int flags = (inConfig != null ? Domain.DeviceModifyFlags.CONFIG : 0)
        | (live != null ? Domain.DeviceModifyFlags.LIVE : 0);
    try {
      d.detachDeviceFlags(inConfig != null ? inConfig : live, flags);
    } catch (LibvirtException e) {
      if (!unsupported(e)) throw e;
      if (inConfig != null) conn.domainDefineXML(config.replace(inConfig, ""));
    }
  }

  /** The {@code <disk>} element of a domain's XML whose target is {@code target}, or null. */
  static String diskAt(String domainXml, String target) {
    Pattern dev = Pattern.compile("<target\\s+dev=(['\"])" + Pattern.quote(target) + "\\1");
    Matcher m = DISK.matcher(domainXml);
    while (m.find()) {
      if (dev.matcher(m.group()).find()) return m.group();
    }
    return null;
  }

  private static boolean unsupported(LibvirtException e) {
    return e.getError() != null && (e.getError().getCode() == ErrorNumber.VIR_ERR_NO_SUPPORT
        || e.getError().getCode() == ErrorNumber.VIR_ERR_OPERATION_UNSUPPORTED);
  }
}

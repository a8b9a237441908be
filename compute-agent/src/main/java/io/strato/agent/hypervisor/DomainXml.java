package io.strato.agent.hypervisor;

/**
 * Builds libvirt domain XML from a {@link GuestSpec}. Pure and table-testable: no libvirt needed.
 * {@code uuid} is the instance id, so libvirt and the API name the same thing; the name is Nova's
 * {@code instance-xxxxxxxx}. No {@code <graphics>}: a serial console to a file is what the console log reads.
 */
public final class DomainXml {
  /** The XML namespace of Strato's domain metadata. */
  public static final String NAMESPACE = "https://strato.io/xmlns/libvirt/1.0";

  private DomainXml() {}

  /** The owning host written by {@link #of}, read back from a domain's XML; null when the domain is not Strato's. */
  public static String hostOf(String domainXml) {
    // libvirt gives the metadata back in its own formatting (double quotes): accept either quote.
    var m = java.util.regex.Pattern.compile("<strato:instance[^>]*host=(['\"])([^'\"]*)\\1").matcher(domainXml);
    return m.find() ? m.group(2).replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&amp;", "&") : null;
  }

  public static String of(GuestSpec g) {
    StringBuilder x = new StringBuilder();
    x.append("<domain type='").append(esc(g.type())).append("'>\n");
    x.append("  <name>").append(esc(g.name())).append("</name>\n");
    x.append("  <uuid>").append(esc(g.uuid())).append("</uuid>\n");
    x.append("  <memory unit='MiB'>").append(g.memoryMb()).append("</memory>\n");
    x.append("  <vcpu>").append(g.vcpus()).append("</vcpu>\n");
    x.append("  <metadata>\n    <strato:instance xmlns:strato='").append(NAMESPACE).append("' host='")
        .append(esc(g.host())).append("'/>\n  </metadata>\n");
    x.append("  <os>\n    <type arch='x86_64'>hvm</type>\n");
    if (g.kernel() != null) {
      x.append("    <kernel>").append(esc(g.kernel().toString())).append("</kernel>\n");
      if (g.initrd() != null) x.append("    <initrd>").append(esc(g.initrd().toString())).append("</initrd>\n");
      if (g.kernelArgs() != null) x.append("    <cmdline>").append(esc(g.kernelArgs())).append("</cmdline>\n");
    } else {
      x.append("    <boot dev='hd'/>\n");
    }
    x.append("  </os>\n");
    x.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n");
    x.append("  <devices>\n");
    for (GuestSpec.Disk d : g.disks()) x.append(disk(d, "    "));
    for (GuestSpec.Nic n : g.nics()) {
      if (n.bridge() != null) {
        // libvirt makes the tap with that name and puts it on the bridge (Nova's linuxbridge VIF).
        x.append("    <interface type='bridge'>\n")
            .append("      <mac address='").append(esc(n.mac())).append("'/>\n")
            .append("      <source bridge='").append(esc(n.bridge())).append("'/>\n")
            .append("      <target dev='").append(esc(n.tap())).append("'/>\n");
      } else {
        x.append("    <interface type='network'>\n")
            .append("      <mac address='").append(esc(n.mac())).append("'/>\n")
            .append("      <source network='").append(esc(n.network())).append("'/>\n");
      }
      x.append("      <model type='virtio'/>\n").append("    </interface>\n");
    }
    if (g.consoleLog() != null) {
      x.append("    <serial type='file'>\n      <source path='").append(esc(g.consoleLog().toString()))
          .append("'/>\n      <target port='0'/>\n    </serial>\n");
    }
    x.append("  </devices>\n</domain>\n");
    return x.toString();
  }

  /** One {@code <disk>} element (a domain's, or one to hot-plug), each line indented by {@code indent}. */
  public static String disk(GuestSpec.Disk d, String indent) {
    return indent + "<disk type='file' device='" + (d.cdrom() ? "cdrom" : "disk") + "'>\n"
        + indent + "  <driver name='qemu' type='" + esc(d.format()) + "'/>\n"
        + indent + "  <source file='" + esc(d.path().toString()) + "'/>\n"
        + indent + "  <target dev='" + esc(d.target()) + "' bus='" + esc(d.bus()) + "'/>\n"
        + (d.cdrom() ? indent + "  <readonly/>\n" : "")
        + indent + "</disk>\n";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
        .replace("\"", "&quot;");
  }
}

package io.strato.agent;

import java.nio.file.Path;
import java.util.regex.Matcher;

/**
 * The definition of a resized or migrated domain, made from the one the source saved: the new flavor's vCPUs and
 * RAM, the destination host in Strato's metadata, and the instance folder's paths (disk, console log) moved to the
 * destination's. Everything else (NICs with their MACs, volumes, kernel) stays as it was. Pure: table-testable.
 */
final class ResizedDomain {
  private ResizedDomain() {}

  static String of(String xml, Path sourceDir, Path destDir, String destHost, int vcpus, int ramMb) {
    String out = xml.replaceAll("<memory[^>]*>\\s*\\d+\\s*</memory>", "<memory unit='MiB'>" + ramMb + "</memory>")
        .replaceAll("<currentMemory[^>]*>\\s*\\d+\\s*</currentMemory>",
            "<currentMemory unit='MiB'>" + ramMb + "</currentMemory>")
        .replaceAll("<vcpu([^>]*)>\\s*\\d+\\s*</vcpu>", "<vcpu$1>" + vcpus + "</vcpu>")
        .replaceAll("(<strato:instance[^>]*host=)(['\"])[^'\"]*\\2",
            "$1$2" + Matcher.quoteReplacement(escape(destHost)) + "$2");
    return out.replace(sourceDir + "/", destDir + "/");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
        .replace("\"", "&quot;");
  }
}

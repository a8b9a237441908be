package io.strato.scheduler.request;

import java.util.Map;

/**
 * What the image asks of the host, from its Glance properties. An empty field asks nothing.
 *
 * @param hypervisorVersionRequirement an extra-specs style expression on the hypervisor version,
 *                                     e.g. {@code ">= 6000000"} ({@code img_hv_requested_version})
 */
public record ImageRequirements(String architecture, String hypervisorType, String hypervisorVersionRequirement) {

    public static final ImageRequirements NONE = new ImageRequirements("", "", "");

    public ImageRequirements {
        architecture = architecture == null ? "" : architecture.trim();
        hypervisorType = hypervisorType == null ? "" : hypervisorType.trim();
        hypervisorVersionRequirement = hypervisorVersionRequirement == null ? "" : hypervisorVersionRequirement.trim();
    }

    /** Reads Nova's image properties ({@code hw_architecture}, {@code img_hv_type}, {@code img_hv_requested_version}, and their legacy names). */
    public static ImageRequirements fromProperties(Map<String, String> properties) {
        if (properties == null) {
            return NONE;
        }
        return new ImageRequirements(
                properties.getOrDefault("hw_architecture", properties.get("architecture")),
                properties.getOrDefault("img_hv_type", properties.get("hypervisor_type")),
                properties.getOrDefault("img_hv_requested_version", properties.get("hypervisor_version_requires")));
    }

    public boolean isEmpty() {
        return architecture.isEmpty() && hypervisorType.isEmpty() && hypervisorVersionRequirement.isEmpty();
    }
}

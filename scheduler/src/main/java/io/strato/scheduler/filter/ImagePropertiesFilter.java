package io.strato.scheduler.filter;

import io.strato.scheduler.host.Architectures;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.index.TagDictionary;
import io.strato.scheduler.request.ImageRequirements;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code ImagePropertiesFilter}: the host supports the image's architecture
 * ({@code hw_architecture}) and hypervisor type ({@code img_hv_type}), and its hypervisor version
 * satisfies {@code img_hv_requested_version}. An image that asks nothing fits every host.
 */
public final class ImagePropertiesFilter implements HostFilter {

    @Override
    public String name() {
        return "ImagePropertiesFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        ImageRequirements image = request.image();
        if (image.isEmpty()) {
            return true;
        }
        if (!image.architecture().isEmpty()
                && !Architectures.canonical(image.architecture()).equals(Architectures.canonical(host.traits().architecture()))) {
            return false;
        }
        if (!image.hypervisorType().isEmpty() && !image.hypervisorType().equalsIgnoreCase(host.traits().hypervisorType())) {
            return false;
        }
        return image.hypervisorVersionRequirement().isEmpty()
                || ExtraSpecMatcher.matches(Long.toString(host.traits().hypervisorVersion()), image.hypervisorVersionRequirement());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        ImageRequirements image = request.image();
        return "image needs architecture '" + image.architecture() + "', hypervisor '" + image.hypervisorType()
                + "' version '" + image.hypervisorVersionRequirement() + "'; host has '" + host.traits().architecture()
                + "', '" + host.traits().hypervisorType() + "' version " + host.traits().hypervisorVersion();
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        ImageRequirements image = request.image();
        if (!image.architecture().isEmpty()) {
            bounds.requireTag(TagDictionary.architecture(Architectures.canonical(image.architecture())));
        }
        if (!image.hypervisorType().isEmpty()) {
            bounds.requireTag(TagDictionary.hypervisorType(image.hypervisorType()));
        }
    }
}

package io.strato.scheduler.host;

/** What one instance consumes on a host: vCPUs, RAM in MB and disk in GB. */
public record ResourceAmounts(int vcpus, long ramMb, long diskGb) {

    public ResourceAmounts {
        if (vcpus < 0 || ramMb < 0 || diskGb < 0) {
            throw new IllegalArgumentException("negative resource amounts: " + vcpus + "/" + ramMb + "/" + diskGb);
        }
    }
}

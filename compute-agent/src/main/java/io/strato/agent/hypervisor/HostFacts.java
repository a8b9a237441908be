package io.strato.agent.hypervisor;

/** What the hypervisor says about the machine: the capacity the agent reports, unless configuration overrides it. */
public record HostFacts(int vcpus, long memoryMb, long diskGb, String hypervisorType, long hypervisorVersion,
    String architecture) {}

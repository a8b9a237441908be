package io.strato.gateway.quotas;

/** What a project uses now. */
public record Usage(int instances, int cores, int ram) {}

package io.strato.scheduler.request;

/** Hard server-group policies (the soft ones are weighers in Nova and not filters). */
public enum GroupPolicy {
    AFFINITY("affinity"),
    ANTI_AFFINITY("anti-affinity");

    private final String novaName;

    GroupPolicy(String novaName) {
        this.novaName = novaName;
    }

    public String novaName() {
        return novaName;
    }

    public static GroupPolicy fromNovaName(String name) {
        for (GroupPolicy policy : values()) {
            if (policy.novaName.equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unsupported server group policy '" + name + "'; supported: affinity, anti-affinity");
    }
}

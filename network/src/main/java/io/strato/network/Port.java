package io.strato.network;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One port and Neutron's view of it. {@code status} is ACTIVE once a compute host has bound it
 * ({@code binding:host_id}) to a device ({@code device_id}) while it is administratively up, DOWN otherwise (a
 * generated column, so it can never disagree with those three).
 */
record Port(String id, String networkId, String projectId, String name, String description, String macAddress,
    boolean adminStateUp, String status, String deviceId, String deviceOwner, String hostId, String vnicType,
    JsonObject profile, boolean portSecurityEnabled, JsonArray fixedIps, List<String> securityGroups, long revision,
    OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final String COLUMNS = "p.id, p.network_id, p.project_id, p.name, p.description, p.mac_address::text AS mac,"
      + " p.admin_state_up, p.status, p.device_id, p.device_owner, p.host_id, p.vnic_type, p.profile,"
      + " p.port_security_enabled, p.revision_number, p.created_at, p.updated_at,"
      + " coalesce((SELECT jsonb_agg(jsonb_build_object('subnet_id', a.subnet_id, 'ip_address', host(a.ip_address))"
      + "   ORDER BY a.ordinal, a.ip_address) FROM ip_allocations a WHERE a.port_id = p.id), '[]'::jsonb) AS fixed_ips,"
      + " ARRAY(SELECT g.security_group_id::text FROM port_security_groups g WHERE g.port_id = p.id"
      + "   ORDER BY g.security_group_id) AS security_groups";

  static Port from(Row r) {
    JsonArray fixed = new JsonArray();
    for (Object o : (JsonArray) r.getValue("fixed_ips")) {
      JsonObject f = (JsonObject) o;
      // Addresses are written the way the rest of the API writes them (RFC 5952 for IPv6).
      fixed.add(new JsonObject().put("subnet_id", f.getString("subnet_id"))
          .put("ip_address", Ip.parseOrNull(f.getString("ip_address")).toString()));
    }
    String[] groups = r.getArrayOfStrings("security_groups");
    return new Port(r.getUUID("id").toString(), r.getUUID("network_id").toString(), r.getString("project_id"),
        r.getString("name"), r.getString("description"), r.getString("mac"), r.getBoolean("admin_state_up"),
        r.getString("status"), r.getString("device_id"), r.getString("device_owner"), r.getString("host_id"),
        r.getString("vnic_type"), (JsonObject) r.getValue("profile"), r.getBoolean("port_security_enabled"), fixed,
        groups == null ? List.of() : List.of(groups), r.getLong("revision_number"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"));
  }

  boolean bound() {
    return !hostId.isEmpty();
  }

  JsonObject toJson() {
    JsonObject vifDetails = bound()
        ? new JsonObject().put("port_filter", true).put("ovs_hybrid_plug", false).put("connectivity", "l2")
            .put("bridge_name", "br-int").put("datapath_type", "system")
        : new JsonObject();
    return new JsonObject().put("id", id).put("name", name).put("network_id", networkId).put("project_id", projectId)
        .put("tenant_id", projectId).put("mac_address", macAddress).put("admin_state_up", adminStateUp)
        .put("status", status).put("device_id", deviceId).put("device_owner", deviceOwner).put("fixed_ips", fixedIps)
        .put("security_groups", new JsonArray(securityGroups)).put("port_security_enabled", portSecurityEnabled)
        .put("binding:host_id", hostId).put("binding:vif_type", bound() ? "ovs" : "unbound")
        .put("binding:vif_details", vifDetails).put("binding:vnic_type", vnicType).put("binding:profile", profile)
        .put("allowed_address_pairs", new JsonArray()).put("extra_dhcp_opts", new JsonArray())
        .put("ip_allocation", "immediate").put("description", description).put("tags", new JsonArray())
        .put("created_at", Neutron.time(createdAt)).put("updated_at", Neutron.time(updatedAt))
        .put("revision_number", revision);
  }
}

package io.strato.gateway.servers.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceNamesTest {
  /** Entries: volume ids, with a device after ':' when recorded (attached later), none when attached at boot. */
  private static JsonArray entries(String spec) {
    JsonArray out = new JsonArray();
    if (spec.isBlank()) return out;
    for (String e : spec.split(" ")) {
      String[] p = e.split(":");
      JsonObject o = new JsonObject().put("id", p[0]);
      if (p.length > 1) o.put("device", p[1]);
      out.add(o);
    }
    return out;
  }

  @ParameterizedTest(name = "{0} (from volume: {1}), asked {2} -> {3}")
  @DisplayName("a new volume gets the device asked for (as a virtio name) or the first free one after the root")
  @CsvSource(delimiter = '|', value = {
      "                      | false | auto      | /dev/vdb",
      "                      | false |           | /dev/vdb",
      "boot                  | true  |           | /dev/vdb",
      "data                  | false |           | /dev/vdc",
      "a:/dev/vdb            | false |           | /dev/vdc",
      "a:/dev/vdc            | false |           | /dev/vdb",
      "                      | false | /dev/vdd  | /dev/vdd",
      "                      | false | /dev/sde  | /dev/vde",
      "                      | false | /dev/xvdf | /dev/vdf"})
  void picks(String spec, boolean fromVolume, String asked, String expected) {
    assertThat(DeviceNames.pick(entries(spec == null ? "" : spec), fromVolume, asked)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} asked on {1}: {2}")
  @DisplayName("a device in use is 409 (DevicePathInUse), a name Nova's schema refuses is 400")
  @CsvSource(delimiter = '|', value = {
      "/dev/vda | | 409", "/dev/vdb | a:/dev/vdb | 409", "/dev/vdb | data | 409", "vdb | | 400", "/dev/ | | 400"})
  void refuses(String asked, String spec, int status) {
    assertThatThrownBy(() -> DeviceNames.pick(entries(spec == null ? "" : spec), false, asked))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("volumes attached at boot are named in order after the root (or from vda when a volume boots)")
  @CsvSource(delimiter = '|', value = {"false | /dev/vdb,/dev/vdc", "true | /dev/vda,/dev/vdb"})
  void bootVolumes(boolean fromVolume, String devices) {
    assertThat(String.join(",", DeviceNames.of(entries("x y"), fromVolume).values())).isEqualTo(devices);
  }
}

package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.http.ApiException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MicroversionTest {

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      "volume 3.27|3.27",
      "Volume 3.44|3.44",
      "volume latest|3.71",
      "compute 2.1, volume 3.5|3.5",
      "compute 2.90|3.0",
      "''|3.0"})
  @DisplayName("the volume entry of OpenStack-API-Version is the version used; none means 3.0")
  void requested(String header, String expected) {
    assertThat(Microversion.requested(header).toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"volume 3", "volume three", "volume 3.x", "volume 3.1.1"})
  @DisplayName("a malformed volume version answers 400")
  void malformed(String header) {
    assertThatThrownBy(() -> Microversion.requested(header)).isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).status()).isEqualTo(400);
  }
}

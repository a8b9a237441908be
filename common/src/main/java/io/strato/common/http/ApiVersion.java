package io.strato.common.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An OpenStack API microversion, {@code major.minor}, ordered numerically (2.10 after 2.9). */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
  private static final Pattern SHAPE = Pattern.compile("\\s*(\\d{1,4})\\.(\\d{1,4})\\s*");

  /** {@code X.Y}; 400 for anything else ({@code latest} is the caller's to resolve). */
  public static ApiVersion parse(String text) {
    Matcher m = SHAPE.matcher(text);
    if (!m.matches()) {
      throw ApiException.badRequest("API Version String " + text.trim() + " is of invalid format. Must be of format"
          + " MajorNum.MinorNum.");
    }
    return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** True when this version is {@code major.minorVersion} or later, for the API's own major version. */
  public boolean atLeast(int minorVersion) {
    return minor >= minorVersion;
  }

  @Override
  public int compareTo(ApiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}

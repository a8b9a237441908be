package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Nova's rules for server tags (microversion 2.26): 1 to 60 characters, no '/' or ',', at most 50 on a server. */
public final class ServerTags {
  public static final int MAX_TAGS = 50;

  private ServerTags() {}

  public static boolean valid(Object tag) {
    return tag instanceof String s && !s.isEmpty() && s.length() <= 60 && s.indexOf('/') < 0 && s.indexOf(',') < 0;
  }

  /** One tag named in a URL: 400 with Nova's message when it breaks the rules. */
  public static String check(String tag) {
    if (!valid(tag)) {
      throw ApiException.badRequest("Tag '" + tag + "' is invalid. It must be a non empty string without characters"
          + " '/' and ',' and at most 60 characters long.");
    }
    return tag;
  }

  /** The {@code tags} of a PUT body: a list of valid tags, at most {@link #MAX_TAGS}; duplicates kept once. */
  public static List<String> parse(Object tags) {
    if (!(tags instanceof JsonArray list)) {
      throw ApiException.badRequest("Invalid input for field/attribute tags. Value: " + tags + ". "
          + tags + " is not of type 'array'");
    }
    if (list.size() > MAX_TAGS) {
      throw ApiException.badRequest("Invalid input for field/attribute tags. Value: " + list + ". " + list
          + " is too long");
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Object t : list) {
      if (!valid(t)) {
        throw ApiException.badRequest("Invalid input for field/attribute tags. Value: " + t
            + ". Tags must be non empty strings of at most 60 characters without '/' or ','.");
      }
      out.add((String) t);
    }
    return new ArrayList<>(out);
  }

  /** A comma-separated list filter ({@code tags}, {@code tags-any}, ...): its tags, 400 when one is invalid. */
  public static String[] filter(String name, String value) {
    String[] tags = value.split(",", -1);
    for (String t : tags) {
      if (!valid(t)) throw ApiException.badRequest("Invalid filter field: " + name + ".");
    }
    return tags;
  }
}

package io.strato.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's boots over time, as one self-contained HTML page with an SVG plot (no script, no network): per second of
 * the run, the servers created and the servers that became ACTIVE (boots/s), and the p99 time to ACTIVE of the
 * servers that became ACTIVE in that second. Every time is the cloud's own (the create action's start, the server's
 * {@code launched_at}), so the plot shows where the pipeline queued, not where the load generator did.
 */
final class BootTimeline {
  /** One server: its create and its launch, epoch milliseconds in the cloud's clock. */
  record Boot(long createdMillis, long launchedMillis) {
    long activeMillis() {
      return Math.max(0, launchedMillis - createdMillis);
    }
  }

  /** Second {@code second} of the run (from the first create): creates, launches and their p99 time to ACTIVE. */
  record Second(int second, int created, int active, long activeP99Ms) {}

  private static final int WIDTH = 900;
  private static final int HEIGHT = 360;
  private static final int LEFT = 60;
  private static final int RIGHT = 70;
  private static final int TOP = 30;
  private static final int BOTTOM = 40;

  private BootTimeline() {}

  /** The run cut into seconds from its first create to its last launch (empty when no server became ACTIVE). */
  static List<Second> seconds(List<Boot> boots) {
    if (boots.isEmpty()) return List.of();
    long start = boots.stream().mapToLong(Boot::createdMillis).min().orElseThrow();
    long end = boots.stream().mapToLong(Boot::launchedMillis).max().orElseThrow();
    int n = (int) ((end - start) / 1000) + 1;
    int[] created = new int[n];
    List<List<Long>> active = new ArrayList<>();
    for (int i = 0; i < n; i++) active.add(new ArrayList<>());
    for (Boot b : boots) {
      created[(int) ((b.createdMillis() - start) / 1000)]++;
      active.get((int) ((b.launchedMillis() - start) / 1000)).add(b.activeMillis());
    }
    List<Second> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Long> times = active.get(i);
      times.sort(null);
      long p99 = times.isEmpty() ? 0 : times.get(Math.max(0, (int) Math.ceil(times.size() * 0.99) - 1));
      out.add(new Second(i, created[i], times.size(), p99));
    }
    return out;
  }

  /** Writes the page to {@code file}. */
  static void write(Path file, String title, List<Boot> boots) throws IOException {
    Files.writeString(file, html(title, seconds(boots)));
  }

  static String html(String title, List<Second> seconds) {
    StringBuilder svg = new StringBuilder();
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    int n = Math.max(1, seconds.size());
    int maxRate = niceCeiling(seconds.stream().mapToInt(s -> Math.max(s.created(), s.active())).max().orElse(1));
    long maxP99 = niceCeiling(seconds.stream().mapToLong(Second::activeP99Ms).max().orElse(1));
    svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'"
        + " font-family='sans-serif' font-size='11'>%n", WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
        LEFT, TOP, plotW, plotH));
    for (int i = 0; i <= 4; i++) {
      double y = TOP + plotH - plotH * i / 4.0;
      svg.append(String.format(Locale.ROOT, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>"
          + "<text x='%d' y='%.1f' text-anchor='end'>%d</text><text x='%d' y='%.1f'>%d</text>%n", LEFT,
          LEFT + plotW, y, y, LEFT - 4, y + 4, maxRate * i / 4, LEFT + plotW + 4, y + 4, maxP99 * i / 4));
    }
    for (int i = 0; i <= 5; i++) {
      double x = LEFT + plotW * i / 5.0;
      svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle'>%d s</text>%n", x,
          TOP + plotH + 16, (n - 1) * i / 5));
    }
    svg.append(polyline(seconds, s -> s.created(), maxRate, n, "#9ab", "created/s"));
    svg.append(polyline(seconds, s -> s.active(), maxRate, n, "#2a7", "ACTIVE/s"));
    svg.append(polyline(seconds, s -> s.activeP99Ms(), maxP99, n, "#c33", "p99 to ACTIVE (ms)"));
    svg.append(String.format(Locale.ROOT, "<text x='%d' y='18' fill='#9ab'>created/s</text>"
        + "<text x='%d' y='18' fill='#2a7'>ACTIVE/s (left axis)</text>"
        + "<text x='%d' y='18' fill='#c33'>p99 to ACTIVE of that second's launches, ms (right axis)</text>%n",
        LEFT, LEFT + 80, LEFT + 240));
    svg.append("</svg>\n");
    int total = seconds.stream().mapToInt(Second::active).sum();
    return "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>" + escape(title) + "</title></head>\n<body>\n"
        + "<h2>" + escape(title) + "</h2>\n<p>" + total + " servers ACTIVE over " + seconds.size() + " s, in the"
        + " cloud's own clock (create action start to <code>launched_at</code>), per second from the first"
        + " create.</p>\n" + svg + "</body></html>\n";
  }

  private static String polyline(List<Second> seconds, java.util.function.ToLongFunction<Second> value, long max,
      int n, String colour, String name) {
    StringBuilder points = new StringBuilder();
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    for (Second s : seconds) {
      double x = LEFT + (n == 1 ? 0 : plotW * s.second() / (double) (n - 1));
      double y = TOP + plotH - plotH * Math.min(1.0, value.applyAsLong(s) / (double) max);
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    return String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'>"
        + "<title>%s</title></polyline>%n", colour, points.toString().trim(), name);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v} (axes end on a round number). */
  private static int niceCeiling(long v) {
    long p = 1;
    while (true) {
      for (long m : new long[] {1, 2, 5}) {
        if (m * p >= Math.max(1, v)) return (int) Math.min(Integer.MAX_VALUE, m * p);
      }
      p *= 10;
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

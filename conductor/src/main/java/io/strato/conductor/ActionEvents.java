package io.strato.conductor;

import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The instance-action events of the updates a transaction applies, written for all of them at once: one statement
 * for their named events (started or finished), one for their build steps, one touching their actions, whatever the
 * number of updates (before, a build's end alone was five statements: each step its own insert). Each update's event
 * goes to the action of its request id; an update without one records nothing.
 *
 * <p>An update's named event without a result starts the event (a second start changes nothing); with a result it
 * finishes it. A step is written whole (start, finish, result), replacing what an earlier delivery wrote.
 */
final class ActionEvents {
  // Rows are inserted in the order given (WITH ORDINALITY ... ORDER BY): events are listed by start time, then id, and
  // the steps of one update share a start time, so the join's row order would otherwise reorder them.
  private static final String NAMED = "INSERT INTO instance_action_events AS e(action_id, event, start_time,"
      + " finish_time, result, host, details) SELECT a.id, u.event, u.start_time, u.finish_time, u.result, u.host,"
      + " u.details FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],"
      + " $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS u(instance_id, request_id, event, start_time,"
      + " finish_time, result, host, details, n) JOIN instance_actions a ON a.instance_id = u.instance_id"
      + " AND a.request_id = u.request_id ORDER BY u.n"
      + " ON CONFLICT (action_id, event) DO UPDATE SET finish_time = excluded.finish_time, result = excluded.result,"
      + " details = excluded.details WHERE excluded.result IS NOT NULL";
  private static final String STEPS = "INSERT INTO instance_action_events AS e(action_id, event, start_time,"
      + " finish_time, result, host, details) SELECT a.id, u.event, u.start_time, u.finish_time, u.result, u.host,"
      + " u.details FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],"
      + " $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS u(instance_id, request_id, event, start_time,"
      + " finish_time, result, host, details, n) JOIN instance_actions a ON a.instance_id = u.instance_id"
      + " AND a.request_id = u.request_id ORDER BY u.n"
      + " ON CONFLICT (action_id, event) DO UPDATE SET start_time = excluded.start_time,"
      + " finish_time = excluded.finish_time, result = excluded.result, details = excluded.details";
  private static final String TOUCH = "UPDATE instance_actions a SET updated_at = now(),"
      + " message = coalesce(u.message, a.message) FROM unnest($1::uuid[], $2::text[], $3::text[])"
      + " AS u(instance_id, request_id, message) WHERE a.instance_id = u.instance_id AND a.request_id = u.request_id";

  private ActionEvents() {}

  /** One event row's columns, in the statements' order. */
  private static final class Rows {
    final List<UUID> instances = new ArrayList<>();
    final List<String> requests = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final List<OffsetDateTime> starts = new ArrayList<>();
    final List<OffsetDateTime> finishes = new ArrayList<>();
    final List<String> results = new ArrayList<>();
    final List<String> hosts = new ArrayList<>();
    final List<String> details = new ArrayList<>();
    // A statement may not write one (action, event) twice: the last write of a pair wins, as one by one.
    final Map<List<Object>, Integer> seen = new LinkedHashMap<>();

    void add(InstanceUpdate u, String event, OffsetDateTime start, OffsetDateTime finish, String result,
        String detail) {
      List<Object> pair = List.of(u.instanceId(), u.requestId(), event);
      Integer at = seen.get(pair);
      if (at != null) {
        starts.set(at, start);
        finishes.set(at, finish);
        results.set(at, result);
        hosts.set(at, u.host());
        details.set(at, detail);
        return;
      }
      seen.put(pair, instances.size());
      instances.add(UUID.fromString(u.instanceId()));
      requests.add(u.requestId());
      events.add(event);
      starts.add(start);
      finishes.add(finish);
      results.add(result);
      hosts.add(u.host());
      details.add(detail);
    }

    boolean isEmpty() {
      return instances.isEmpty();
    }

    Tuple tuple() {
      return Tuple.of(instances.toArray(UUID[]::new), requests.toArray(String[]::new), events.toArray(String[]::new),
          starts.toArray(OffsetDateTime[]::new), finishes.toArray(OffsetDateTime[]::new),
          results.toArray(String[]::new), hosts.toArray(String[]::new), details.toArray(String[]::new));
    }
  }

  /** Records the events of {@code updates} (applied ones, of different instances) in at most three statements. */
  static Future<Void> record(SqlConnection tx, List<InstanceUpdate> updates) {
    Rows named = new Rows();
    Rows steps = new Rows();
    List<UUID> touched = new ArrayList<>();
    List<String> touchedRequests = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (InstanceUpdate u : updates) {
      if (u.requestId() == null || (u.event() == null && u.steps().isEmpty())) continue;
      String fault = u.fault() == null ? null : u.fault().getString("message");
      if (u.event() != null) {
        OffsetDateTime at = at(u.timestampMillis());
        if (u.eventResult() == null) named.add(u, u.event(), at, null, null, null);
        else named.add(u, u.event(), at, at, u.eventResult(), fault);
      }
      for (InstanceUpdate.Step s : u.steps()) {
        steps.add(u, s.event(), at(s.startMillis()), at(s.finishMillis()), s.result(),
            "Error".equals(s.result()) ? fault : null);
      }
      boolean failed = "Error".equals(u.eventResult()) || u.steps().stream().anyMatch(s -> "Error".equals(s.result()));
      touched.add(UUID.fromString(u.instanceId()));
      touchedRequests.add(u.requestId());
      messages.add(failed ? "Error" : null);
    }
    if (touched.isEmpty()) return Future.succeededFuture();
    // Sent without waiting for each other: the connection pipelines them, and the transaction orders them.
    List<Future<?>> sent = new ArrayList<>();
    if (!named.isEmpty()) sent.add(tx.preparedQuery(NAMED).execute(named.tuple()));
    if (!steps.isEmpty()) sent.add(tx.preparedQuery(STEPS).execute(steps.tuple()));
    sent.add(tx.preparedQuery(TOUCH).execute(Tuple.of(touched.toArray(UUID[]::new),
        touchedRequests.toArray(String[]::new), messages.toArray(String[]::new))));
    return Future.join(sent).mapEmpty();
  }

  private static OffsetDateTime at(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}

package io.strato.common.db;

/**
 * A committed outbox row as the relay sends it: the row's id (what deletes it once Kafka took it), the topic, key,
 * payload and the request id that goes in the record's header.
 */
public record OutboxMessage(long id, String topic, String key, String payload, String requestId) {}

package io.strato.gateway.servers.action;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiVersion;

/**
 * One {@code POST /servers/{id}/action} request, as the {@link ActionRouter} hands it to an action's handler:
 * {@code args} is the value of the body's single key (JSON {@code null}, an object, or whatever the client sent).
 */
public record ActionCall(String name, Object args, String instanceId, Token token, String userToken,
    String requestId, ApiVersion version) {}

package io.strato.gateway.servers.action;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.lifecycle.VmState;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.servers.Instance;
import io.strato.gateway.servers.Instances;
import java.util.Set;

/** The checks every action makes on the server, with Nova's answers; the router and the actions' transactions share them. */
public final class ActionGuard {
  private ActionGuard() {}

  /** 404 for a server of another project (unless admin), 409 when it is locked and the caller is not an admin. */
  public static Instance actable(Token token, Instance i) {
    visible(token, i);
    if (i.locked() && !token.isAdmin()) throw ApiException.conflict("Instance " + i.id() + " is locked");
    return i;
  }

  /** 404 for a server of another project, unless the caller is an admin. */
  public static Instance visible(Token token, Instance i) {
    if (!ComputePolicy.canSee(token, i.projectId())) throw Instances.notFound(i.id());
    return i;
  }

  /**
   * Nova's InstanceInvalidState (409): the server must be in one of {@code states}, on a host, with no task
   * running.
   */
  public static Instance inState(Instance i, String action, Set<VmState> states) {
    if (!states.contains(i.vmState()) || i.taskState() != null || i.host() == null) {
      throw ApiException.conflict("Cannot '" + action + "' instance " + i.id() + " while it is in vm_state "
          + i.vmState() + (i.taskState() == null ? "" : " and task_state " + i.taskState()));
    }
    return i;
  }
}

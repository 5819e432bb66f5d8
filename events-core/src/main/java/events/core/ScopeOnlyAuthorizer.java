package events.core;

import events.ports.AccessRequest;
import events.ports.Authorizer;
import java.util.Collections;
import java.util.List;

/**
 * Permits every request. With it, access is decided by the caller's token scopes alone (checked by the
 * API before the use case runs). The default until a policy engine is configured.
 */
public final class ScopeOnlyAuthorizer implements Authorizer {
    @Override
    public List<Boolean> decide(List<AccessRequest> requests) {
        return Collections.nCopies(requests.size(), Boolean.TRUE);
    }
}

package events.adapters.http.internal;

import events.domain.AccessDeniedException;

/** A valid token without the scope the endpoint requires. Maps to 403. */
final class MissingScopeException extends AccessDeniedException {
    private final String scope;

    MissingScopeException(String scope) {
        super("the token lacks the scope " + scope);
        this.scope = scope;
    }

    String scope() {
        return scope;
    }
}

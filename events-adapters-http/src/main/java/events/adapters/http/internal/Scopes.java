package events.adapters.http.internal;

import events.ports.Caller;
import io.javalin.http.Context;
import java.util.function.Function;

/** Authenticates a request and requires one of the scopes an endpoint accepts. */
final class Scopes {
    private Scopes() {
    }

    /** The caller, if its token is valid and has {@code scope} or one of {@code alternatives}; else throws. */
    static Caller require(Function<String, Caller> authenticator, Context ctx, String scope, String... alternatives) {
        Caller caller = authenticator.apply(ctx.header("Authorization"));
        if (caller.hasScope(scope)) {
            return caller;
        }
        for (String alternative : alternatives) {
            if (caller.hasScope(alternative)) {
                return caller;
            }
        }
        throw new MissingScopeException(scope);
    }
}

package events.core;

import events.domain.InvalidPolicyException;
import events.domain.ResourcePolicy;
import events.domain.ResourceUrn;
import events.ports.Authorizer;
import events.ports.ChangeSignals;
import events.ports.ManagePolicies;
import events.ports.PolicyLanguage;
import events.ports.PolicyStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Policy management: check a document in the authorizer's language, store it, tell the authorizer and the other processes. */
final class PolicyAdministration implements ManagePolicies {
    private final PolicyStore store;
    private final PolicyLanguage language;
    private final Authorizer authorizer;
    private final ChangeSignals signals;

    PolicyAdministration(PolicyStore store, PolicyLanguage language, Authorizer authorizer, ChangeSignals signals) {
        this.store = store;
        this.language = language;
        this.authorizer = authorizer;
        this.signals = signals;
    }

    @Override
    public PolicyWrite put(String resource, String document) {
        requireResource(resource);
        Objects.requireNonNull(document, "document");
        language.check(resource, document);
        boolean created = store.get(resource).isEmpty();
        ResourcePolicy stored = store.put(resource, document);
        authorizer.policiesChanged();
        signals.announce(ChangeSignals.Change.POLICIES);
        return new PolicyWrite(stored, created);
    }

    @Override
    public Optional<ResourcePolicy> get(String resource) {
        requireResource(resource);
        return store.get(resource);
    }

    @Override
    public boolean delete(String resource) {
        requireResource(resource);
        boolean deleted = store.delete(resource);
        if (deleted) {
            authorizer.policiesChanged();
            signals.announce(ChangeSignals.Change.POLICIES);
        }
        return deleted;
    }

    @Override
    public List<String> resources() {
        return store.resources();
    }

    private static void requireResource(String resource) {
        if (!ResourceUrn.isValid(resource)) {
            throw new InvalidPolicyException("the resource must be " + ResourceUrn.RULE);
        }
    }
}

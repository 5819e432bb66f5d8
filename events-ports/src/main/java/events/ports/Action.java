package events.ports;

/** What a caller wants to do with a resource; the XACML action-id. */
public enum Action {
    PUBLISH("publish"),
    SUBSCRIBE("subscribe");

    private final String id;

    Action(String id) {
        this.id = id;
    }

    /** The action-id value used in policies. */
    public String id() {
        return id;
    }
}

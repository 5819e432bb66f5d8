package events.domain;

import java.util.regex.Pattern;

/** Altinn's rule for resource URNs, e.g. {@code urn:altinn:resource:my-service}: lower case, 2 to 11 parts. */
public final class ResourceUrn {
    private static final Pattern PATTERN =
            Pattern.compile("^urn:[a-z0-9-]{1,30}(:[a-z0-9()+,.\\-;$_!/]{1,100}){1,10}$");
    private static final RecentlyValid RECENTLY_VALID = new RecentlyValid(urn -> PATTERN.matcher(urn).matches());

    /** What a valid one looks like, for error messages: "must be " + this. */
    public static final String RULE = "a lower-case URN such as urn:altinn:resource:my-service";

    private ResourceUrn() {
    }

    public static boolean isValid(String urn) {
        return urn != null && RECENTLY_VALID.test(urn);
    }
}

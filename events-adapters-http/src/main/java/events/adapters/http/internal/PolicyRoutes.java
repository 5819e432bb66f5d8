package events.adapters.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import events.domain.InvalidEventException;
import events.domain.ResourcePolicy;
import events.domain.ResourceUrn;
import events.domain.Violation;
import events.ports.Caller;
import events.ports.ManagePolicies;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The policy endpoints, scope {@value Caller#SCOPE_ADMIN}: {@code PUT/GET/DELETE
 * /events/api/v1/policies/{resource}} with an XACML XML body, and {@code GET /events/api/v1/policies}, the
 * resources that have one. Use through {@code events.adapters.http.EventsApi}.
 */
public final class PolicyRoutes {
    static final String POLICIES_PATH = EventRoutes.BASE_PATH + "/policies";
    static final String XML = "application/xml";
    private static final JsonFactory JSON = new JsonFactory();

    private final ManagePolicies policies;
    private final Function<String, Caller> authenticator;
    private final Supplier<String> baseUrl;
    private final int maxPolicyBytes;

    /** @param baseUrl absolute prefix for {@code Location} links, or null to derive it from the request */
    public PolicyRoutes(ManagePolicies policies, Function<String, Caller> authenticator, Supplier<String> baseUrl,
                        int maxPolicyBytes) {
        this.policies = policies;
        this.authenticator = authenticator;
        this.baseUrl = baseUrl;
        this.maxPolicyBytes = maxPolicyBytes;
    }

    public void register(JavalinConfig config) {
        // <resource> (not {resource}): a resource URN may contain '/'.
        config.routes.put(POLICIES_PATH + "/<resource>", this::put);
        config.routes.get(POLICIES_PATH + "/<resource>", this::get);
        config.routes.delete(POLICIES_PATH + "/<resource>", this::delete);
        config.routes.get(POLICIES_PATH, this::list);
    }

    void put(Context ctx) {
        Scopes.require(authenticator, ctx, Caller.SCOPE_ADMIN);
        String resource = resource(ctx);
        // The raw header: the servlet's getContentType() throws on an unknown charset.
        MediaType type = MediaType.parse(ctx.req().getHeader("Content-Type"));
        if (type == null || !isXml(type)) {
            throw new UnsupportedMediaTypeException("send the policy as XML: Content-Type " + XML
                    + ", text/xml or application/xacml+xml", null);
        }
        byte[] body = BodyReader.read(input(ctx), ctx.req().getContentLengthLong(), maxPolicyBytes, "the policy");
        ManagePolicies.PolicyWrite written = policies.put(resource, new String(body, charset(type)));
        if (written.created()) {
            ctx.status(201);
            ctx.header("Location", Requests.baseUrl(ctx, baseUrl) + ctx.path());
        } else {
            ctx.status(200);
        }
        ctx.contentType("application/json");
        ctx.result(describe(written.policy()));
    }

    void get(Context ctx) {
        Scopes.require(authenticator, ctx, Caller.SCOPE_ADMIN);
        String resource = resource(ctx);
        ResourcePolicy policy = policies.get(resource).orElseThrow(() -> new PolicyNotFoundException(resource));
        ctx.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(policy.updatedAt().atZone(ZoneOffset.UTC)));
        ctx.contentType(XML + "; charset=utf-8");
        ctx.result(policy.document().getBytes(StandardCharsets.UTF_8));
    }

    void delete(Context ctx) {
        Scopes.require(authenticator, ctx, Caller.SCOPE_ADMIN);
        String resource = resource(ctx);
        if (!policies.delete(resource)) {
            throw new PolicyNotFoundException(resource);
        }
        ctx.status(204);
    }

    void list(Context ctx) {
        Scopes.require(authenticator, ctx, Caller.SCOPE_ADMIN);
        List<String> resources = policies.resources();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (String r : resources) {
                g.writeString(r);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.contentType("application/json");
        ctx.result(out.toString());
    }

    /** The resource URN of the path; a malformed one is a 400 naming {@code resource}. */
    private static String resource(Context ctx) {
        String resource = ctx.pathParam("resource");
        if (!ResourceUrn.isValid(resource)) {
            throw new InvalidEventException(new Violation("resource", "must be " + ResourceUrn.RULE));
        }
        return resource;
    }

    private static boolean isXml(MediaType type) {
        return type.essence().equals(XML) || type.essence().equals("text/xml") || type.essence().endsWith("+xml");
    }

    /** The declared charset, UTF-8 (XML's default) when none; an unknown one is the client's error. */
    private static Charset charset(MediaType type) {
        if (type.charset() == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(type.charset());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedMediaTypeException("unknown charset " + type.charset(), null);
        }
    }

    private static InputStream input(Context ctx) {
        try {
            return ctx.req().getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(ResourcePolicy policy) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("resource", policy.resource());
            g.writeNumberField("revision", policy.revision());
            g.writeStringField("updatedAt", policy.updatedAt().toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

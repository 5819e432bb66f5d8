/**
 * XACML 3.0 authorization (Balana) behind {@link events.ports.Authorizer}. Until it lands the server wires
 * the scope-only authorizer of the core.
 */
package events.authz.xacml;

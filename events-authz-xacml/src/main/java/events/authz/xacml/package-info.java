/**
 * XACML 3.0 authorization (Balana) behind {@link events.ports.Authorizer}: {@link events.authz.xacml.XacmlAuthorizer}.
 * Every Balana and XML type stays inside this package.
 */
package events.authz.xacml;

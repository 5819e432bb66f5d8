/**
 * CloudEvents SQL (CESQL v1) subscription filters on {@code io.cloudevents:cloudevents-sql} behind
 * {@link events.ports.FilterExpressions}: {@link events.filter.cesql.CesqlFilterExpressions}. Every CloudEvents SDK
 * type stays inside this package.
 */
package events.filter.cesql;

package events.adapters.jdbc;

import events.domain.EndpointPartitions;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SubscriptionStore} on H2 or PostgreSQL through Jdbi.
 *
 * <p>Every create, delete and status change is one transaction that first adds one to the counter in
 * {@code subscription_revision}, which locks its row until commit: such writes, from this and any other node,
 * run one after the other. So a create that finds the same consumer's identical request (its
 * {@code request_key}, see {@link SubscriptionJson#requestKey}) already committed inserts nothing
 * ({@code ON CONFLICT DO NOTHING}), rolls back its revision and returns the existing subscription.
 * The unique key holds even for writers that would not take the counter first.
 *
 * <p>Signing secrets are written as {@link SecretsAtRest} says (sealed, when the stores have keys). A newest secret
 * that does not open makes {@link #secrets} fail, every time, rather than sign with something else (a retiring one
 * is left out); it is logged once per subscription, without its value.
 */
final class JdbcSubscriptionStore implements SubscriptionStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSubscriptionStore.class);
    private static final String COLUMNS = "id, consumer, created_by, end_point, resource_filter, subject_filter,"
            + " type_filter, source_filter, alternative_subject_filter, filters, created, validated, status";
    private static final String ORDER = " ORDER BY created, insert_order";
    /** How often a create retries when the identical subscription it found is deleted before it is read. */
    private static final int CREATE_TRIES = 5;

    private final Jdbi jdbi;
    private final SecretsAtRest secretsAtRest;
    /** The subscriptions whose secret did not open, logged once each. */
    private final Set<UUID> reportedUnreadable = ConcurrentHashMap.newKeySet();

    JdbcSubscriptionStore(DataSource dataSource, SecretsAtRest secretsAtRest) {
        this.jdbi = Jdbis.create(dataSource);
        this.secretsAtRest = Objects.requireNonNull(secretsAtRest, "secretsAtRest");
    }

    @Override
    public Created createIfAbsent(Subscription subscription, WebhookSecret secret) {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(secret, "secret");
        UUID key = SubscriptionJson.requestKey(subscription.consumer(), subscription.request());
        String filters = SubscriptionJson.writeFilters(subscription.request().filters());
        String stored = secretsAtRest.write(subscription.id(), secret);
        try {
            for (int i = 0; i < CREATE_TRIES; i++) {
                boolean inserted = jdbi.inTransaction(handle -> {
                    nextRevision(handle);
                    if (insert(handle, subscription, key, filters) == 0) {
                        handle.rollback();
                        return false;
                    }
                    handle.createUpdate("INSERT INTO subscription_secrets (subscription_id, secret, created)"
                                    + " VALUES (:id, :secret, :created)")
                            .bind("id", subscription.id())
                            .bind("secret", stored)
                            .bind("created", Timestamps.of(subscription.created()))
                            .execute();
                    return true;
                });
                if (inserted) {
                    return new Created(subscription, true);
                }
                Optional<Subscription> existing = jdbi.withHandle(handle -> handle
                        .createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE request_key = :key")
                        .bind("key", key)
                        .map((rs, ctx) -> toSubscription(rs))
                        .findOne());
                if (existing.isPresent()) {
                    return new Created(existing.get(), false);
                }
                // The insert met another unique key than the request's (the id), or the identical subscription
                // was deleted between our insert and our read (then try again).
                if (get(subscription.id()).isPresent()) {
                    throw new IllegalArgumentException("another subscription has the id " + subscription.id());
                }
            }
            throw new UnableToAccessSubscriptionsException(
                    "unable to create subscription " + subscription.id() + ": its twin kept being deleted", null);
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to create subscription " + subscription.id(),
                    DatabaseFailure.of(e));
        }
    }

    private static int insert(Handle handle, Subscription s, UUID key, String filters) {
        SubscriptionRequest r = s.request();
        return handle.createUpdate("INSERT INTO subscriptions (" + COLUMNS + ", request_key, endpoint_partition)"
                        + " VALUES (:id, :consumer, :createdBy, :endPoint, :resourceFilter, :subjectFilter, :typeFilter,"
                        + " :sourceFilter, :alternativeSubjectFilter, :filters, :created, :validated, :status, :key,"
                        + " :partition) ON CONFLICT DO NOTHING")
                .bind("id", s.id())
                .bind("consumer", s.consumer())
                .bind("createdBy", s.createdBy())
                .bind("endPoint", r.endPoint())
                .bind("resourceFilter", r.resourceFilter())
                .bind("subjectFilter", r.subjectFilter())
                .bind("typeFilter", r.typeFilter())
                .bind("sourceFilter", r.sourceFilter())
                .bind("alternativeSubjectFilter", r.alternativeSubjectFilter())
                .bind("filters", filters)
                .bind("created", Timestamps.of(s.created()))
                .bind("validated", Timestamps.of(s.validated()))
                .bind("status", s.status().wireName())
                .bind("key", key)
                .bind("partition", (short) EndpointPartitions.partitionOf(r.endPoint()))
                .execute();
    }

    @Override
    public Optional<Subscription> get(UUID id) {
        Objects.requireNonNull(id, "id");
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE id = :id")
                    .bind("id", id)
                    .map((rs, ctx) -> toSubscription(rs))
                    .findOne());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to read subscription " + id, DatabaseFailure.of(e));
        }
    }

    @Override
    public List<Subscription> byConsumer(String consumer) {
        Objects.requireNonNull(consumer, "consumer");
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE consumer = :consumer" + ORDER)
                    .bind("consumer", consumer)
                    .map((rs, ctx) -> toSubscription(rs))
                    .list());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to list the subscriptions of " + consumer,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public List<Subscription> active() {
        return withStatus(SubscriptionStatus.ACTIVE);
    }

    @Override
    public List<Subscription> pending() {
        return withStatus(SubscriptionStatus.PENDING);
    }

    private List<Subscription> withStatus(SubscriptionStatus status) {
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE status = :status" + ORDER)
                    .bind("status", status.wireName())
                    .map((rs, ctx) -> toSubscription(rs))
                    .list());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to list the " + status.wireName() + " subscriptions",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public boolean setStatus(UUID id, SubscriptionStatus status, Instant validated) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        boolean active = status == SubscriptionStatus.ACTIVE;
        try {
            return jdbi.inTransaction(handle -> {
                nextRevision(handle);
                Update update = handle.createUpdate("UPDATE subscriptions SET status = :status"
                                + (active ? ", validated = :validated" : "") + " WHERE id = :id")
                        .bind("id", id)
                        .bind("status", status.wireName());
                if (active) {
                    update.bind("validated", Timestamps.of(validated));
                }
                int updated = update.execute();
                if (updated == 0) {
                    handle.rollback();
                    return false;
                }
                return true;
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to set the status of subscription " + id,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public boolean delete(UUID id) {
        Objects.requireNonNull(id, "id");
        try {
            return jdbi.inTransaction(handle -> {
                nextRevision(handle);
                // Children first, then the subscription (the foreign keys cascade too, and catch rows committed
                // meanwhile). A delivery row is locked before the subscription row, as recordAttempt and
                // dispatch lock them, so the two never wait for each other in a circle.
                handle.createUpdate("DELETE FROM delivery_attempts WHERE subscription_id = :id").bind("id", id).execute();
                handle.createUpdate("DELETE FROM deliveries WHERE subscription_id = :id").bind("id", id).execute();
                handle.createUpdate("DELETE FROM subscription_secrets WHERE subscription_id = :id").bind("id", id)
                        .execute();
                int deleted = handle.createUpdate("DELETE FROM subscriptions WHERE id = :id").bind("id", id).execute();
                if (deleted == 0) {
                    handle.rollback();
                    return false;
                }
                return true;
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to delete subscription " + id,
                    DatabaseFailure.of(e));
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A retiring secret (not the newest) that does not open is left out, logged once: it cannot sign anyway, and
     * this is how a subscription whose secret was sealed under a lost key recovers, by rotating its secret.
     *
     * @throws UnableToAccessSubscriptionsException also when the newest secret does not open (see
     *     {@link SecretsAtRest}): nothing is signed for the subscription until it does
     */
    @Override
    public List<WebhookSecret> secrets(UUID id, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        List<String> stored;
        try {
            stored = jdbi.withHandle(handle -> handle
                    .createQuery("SELECT secret FROM subscription_secrets WHERE subscription_id = :id"
                            + " AND (retires_at IS NULL OR retires_at > :now) ORDER BY id DESC")
                    .bind("id", id)
                    .bind("now", Timestamps.of(now))
                    .mapTo(String.class)
                    .list());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to read the secrets of subscription " + id,
                    DatabaseFailure.of(e));
        }
        List<WebhookSecret> secrets = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            Optional<WebhookSecret> secret;
            try {
                secret = secretsAtRest.read(id, stored.get(i));
            } catch (IllegalArgumentException notASecret) {
                secret = Optional.empty(); // a value written by hand, say; its text is not repeated
            }
            if (secret.isPresent()) {
                secrets.add(secret.get());
                continue;
            }
            String why = secretsAtRest.unreadable(id);
            if (reportedUnreadable.add(id)) {
                LOG.error("{}{}", why, i == 0 ? "" : " (a retiring secret, left out: the newest signs alone)");
            }
            if (i == 0) {
                throw new UnableToAccessSubscriptionsException(why, null);
            }
        }
        return secrets;
    }

    @Override
    public boolean rotateSecret(UUID id, WebhookSecret secret, Instant retireOthersAt) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(retireOthersAt, "retireOthersAt");
        String stored = secretsAtRest.write(id, secret);
        try {
            return jdbi.inTransaction(handle -> {
                // Locks the subscription (a concurrent delete waits, or has happened and we find nothing).
                boolean exists = handle.createQuery("SELECT id FROM subscriptions WHERE id = :id FOR UPDATE")
                        .bind("id", id)
                        .mapTo(UUID.class)
                        .findOne()
                        .isPresent();
                if (!exists) {
                    return false;
                }
                // At most two secrets in force: the one retiring from an earlier rotation goes now.
                handle.createUpdate("DELETE FROM subscription_secrets WHERE subscription_id = :id"
                                + " AND retires_at IS NOT NULL")
                        .bind("id", id)
                        .execute();
                handle.createUpdate("UPDATE subscription_secrets SET retires_at = :at WHERE subscription_id = :id")
                        .bind("id", id)
                        .bind("at", Timestamps.of(retireOthersAt))
                        .execute();
                handle.createUpdate("INSERT INTO subscription_secrets (subscription_id, secret, created)"
                                + " VALUES (:id, :secret, CURRENT_TIMESTAMP)")
                        .bind("id", id)
                        .bind("secret", stored)
                        .execute();
                return true;
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to rotate the secret of subscription " + id,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public long revision() {
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT revision FROM subscription_revision WHERE id = 1")
                    .mapTo(Long.class)
                    .one());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to read the subscription revision",
                    DatabaseFailure.of(e));
        }
    }

    /** Raises the revision; locks the counter row until the transaction ends. */
    private static void nextRevision(Handle handle) {
        handle.createUpdate("UPDATE subscription_revision SET revision = revision + 1 WHERE id = 1").execute();
    }

    private static Subscription toSubscription(ResultSet rs) throws SQLException {
        SubscriptionRequest request = new SubscriptionRequest(
                rs.getString("end_point"),
                rs.getString("resource_filter"),
                rs.getString("subject_filter"),
                rs.getString("type_filter"),
                rs.getString("source_filter"),
                rs.getString("alternative_subject_filter"),
                SubscriptionJson.readFilters(rs.getString("filters")));
        return new Subscription(
                rs.getObject("id", UUID.class),
                rs.getString("consumer"),
                rs.getString("created_by"),
                request,
                Timestamps.read(rs, "created"),
                Timestamps.read(rs, "validated"),
                SubscriptionStatus.fromWireName(rs.getString("status")));
    }
}

package events.adapters.jdbc;

import events.domain.WebhookSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every stored signing secret to the form {@link SecretsAtRest} writes now, when the stores open: secrets
 * stored in plain text (before sealing existed, or by a process without keys) are sealed, and secrets sealed under
 * an older key are sealed again under the first one. That is how a key is rotated: start with the new key first
 * and the old one after it; once this has run, nothing needs the old key.
 *
 * <p>Every rewrite is a compare-and-set on the value read, so processes starting together on one database, or a
 * secret rotated meanwhile, do no harm: a row changed since it was read is left to whoever changed it. A secret
 * that does not open is left as it is and reported (without its value); the stores still open, since events are
 * published and polled without it, and pushes to its subscription fail on their own (see
 * {@link JdbcSubscriptionStore#secrets}).
 */
final class SecretResealing {
    private static final Logger LOG = LoggerFactory.getLogger(SecretResealing.class);
    /** Rows read, and rewritten, per transaction. */
    static final int PAGE = 500;
    /** How many subscriptions whose secrets do not open are named in the log. */
    private static final int NAMED = 5;

    /** What one run found: rows in all, rows rewritten, and the subscriptions of rows that did not open. */
    record Outcome(int rows, int resealed, List<UUID> unreadable) {
    }

    private record Row(long id, UUID subscription, String secret) {
    }

    private record Rewrite(long id, String was, String sealed) {
    }

    private SecretResealing() {
    }

    /** Rewrites what is not current (nothing without a box) and logs what it did. */
    static Outcome run(Jdbi jdbi, SecretsAtRest secrets) {
        if (!secrets.seals()) {
            return new Outcome(0, 0, List.of());
        }
        int rows = 0;
        int stale = 0;
        int resealed = 0;
        List<UUID> unreadable = new ArrayList<>();
        long after = 0;
        while (true) {
            long from = after;
            List<Row> page = jdbi.withHandle(h -> h
                    .createQuery("SELECT id, subscription_id, secret FROM subscription_secrets WHERE id > :after"
                            + " ORDER BY id LIMIT " + PAGE)
                    .bind("after", from)
                    .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getObject("subscription_id", UUID.class),
                            rs.getString("secret")))
                    .list());
            if (page.isEmpty()) {
                break;
            }
            rows += page.size();
            after = page.get(page.size() - 1).id();
            List<Rewrite> rewrites = new ArrayList<>();
            for (Row row : page) {
                if (secrets.isCurrent(row.secret())) {
                    continue;
                }
                Optional<WebhookSecret> opened = open(secrets, row);
                if (opened.isEmpty()) {
                    unreadable.add(row.subscription());
                } else {
                    rewrites.add(new Rewrite(row.id(), row.secret(), secrets.write(row.subscription(), opened.get())));
                }
            }
            stale += rewrites.size();
            resealed += rewrite(jdbi, rewrites);
        }
        report(rows, stale, resealed, unreadable);
        return new Outcome(rows, resealed, List.copyOf(unreadable));
    }

    private static Optional<WebhookSecret> open(SecretsAtRest secrets, Row row) {
        try {
            return secrets.read(row.subscription(), row.secret());
        } catch (IllegalArgumentException notASecret) {
            return Optional.empty();
        }
    }

    /** Writes each rewrite where its row still holds what was read; returns how many were written. */
    private static int rewrite(Jdbi jdbi, List<Rewrite> rewrites) {
        if (rewrites.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            PreparedBatch batch = h.prepareBatch(
                    "UPDATE subscription_secrets SET secret = :sealed WHERE id = :id AND secret = :was");
            for (Rewrite rewrite : rewrites) {
                batch.bind("sealed", rewrite.sealed()).bind("id", rewrite.id()).bind("was", rewrite.was()).add();
            }
            int written = 0;
            for (int n : batch.execute()) {
                written += Math.max(n, 0);
            }
            return written;
        });
    }

    private static void report(int rows, int stale, int resealed, List<UUID> unreadable) {
        if (resealed > 0) {
            LOG.info("Sealed {} of {} webhook signing secrets under the current key", resealed, rows);
        }
        if (resealed < stale) {
            LOG.info("{} webhook signing secrets changed while being sealed again and were left to that change",
                    stale - resealed);
        }
        if (unreadable.isEmpty()) {
            if (resealed == stale) {
                LOG.info("Every one of {} webhook signing secrets is sealed under the current key", rows);
            }
            return;
        }
        List<UUID> named = unreadable.stream().distinct().limit(NAMED).toList();
        LOG.error("{} of {} webhook signing secrets do not open with the configured keys (subscriptions {}{}):"
                + " {}", unreadable.size(), rows, named, unreadable.size() > named.size() ? " and others" : "",
                SecretsAtRest.REMEDY);
    }
}

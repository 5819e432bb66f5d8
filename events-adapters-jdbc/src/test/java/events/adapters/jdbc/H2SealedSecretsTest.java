package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.support.SecretBox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SealedSecretsContract} on an embedded H2 file database; and what the file itself holds. */
class H2SealedSecretsTest extends SealedSecretsContract {
    @TempDir
    Path directory;

    @Override
    protected JdbcStores open(List<byte[]> keys) {
        return keys.isEmpty() ? JdbcStores.h2(directory) : JdbcStores.h2(directory, SecretBox.of(keys));
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(
                JdbcStores.withH2Settings("jdbc:h2:file:" + directory.toAbsolutePath().resolve("events")), "sa", "");
    }

    @Test
    void theDatabaseFileHoldsNoSecretInAnyForm() throws Exception {
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        try (JdbcStores stores = JdbcStores.h2(directory, SecretBox.of(List.of(SecretBox.generateKey())))) {
            SubscriptionRequest request = new SubscriptionRequest("https://hooks.example.com/a",
                    "urn:altinn:resource:ttd-test", null, null, null, null, List.of());
            stores.subscriptionStore().createIfAbsent(new Subscription(UUID.randomUUID(), "/org/ttd", "/org/ttd",
                    request, T0, null, SubscriptionStatus.PENDING), secret);
        }

        String file = new String(Files.readAllBytes(directory.resolve("events.mv.db")), StandardCharsets.ISO_8859_1);
        byte[] key = Base64.getDecoder().decode(keyPart(secret));

        assertThat(file).contains("hooks.example.com/a") // the file is readable as it is: the check means something
                .doesNotContain("whsec_")
                .doesNotContain(keyPart(secret))
                .doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
    }
}

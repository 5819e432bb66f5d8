package events.authz.xacml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Named by a hostile Balana config file; leaves a marker file behind if Balana ever instantiates it. */
public class BalanaTripwire {
    public BalanaTripwire() {
        try {
            Files.writeString(Path.of(System.getProperty("tripwire.marker")), "instantiated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

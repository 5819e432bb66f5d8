package events.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time used so far by every process of one name, from Linux's {@code /proc} (0 where there is none). */
final class CpuOfProcesses {
    /** {@code /proc}'s clock ticks: USER_HZ, which Linux fixes at 100 on the architectures it runs Java on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuOfProcesses() {
    }

    /** User and system CPU, in nanoseconds, of the live processes whose {@code comm} is {@code name}. */
    static long named(String name) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return 0;
        }
        long ticks = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path p : entries) {
                try {
                    if (!Files.readString(p.resolve("comm")).strip().equals(name)) {
                        continue;
                    }
                    // the fields after the parenthesised name: state is the 1st, utime the 12th, stime the 13th
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // the process ended while being read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * NANOS_PER_TICK;
    }
}

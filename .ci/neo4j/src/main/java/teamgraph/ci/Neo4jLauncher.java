package teamgraph.ci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs the real Neo4j 5.26 Community engine with its Bolt server, for CI and local development
 * where Docker is not available.
 *
 * Usage: java -Xmx2g -cp 'classes:lib/*' teamgraph.ci.Neo4jLauncher HOME
 * Settings (Bolt listen address, auth, page cache, ...) come from HOME/conf/neo4j.conf, written by
 * .ci/neo4j/start. The password for user "neo4j" comes from the NEO4J_PASSWORD environment
 * variable (kept out of the process list). Stops cleanly on SIGTERM through a shutdown hook.
 */
public final class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Neo4jLauncher HOME");
            System.exit(2);
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set (8+ characters)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = home.resolve("conf/neo4j.conf");
        if (!Files.isRegularFile(conf)) {
            System.err.println("missing " + conf);
            System.exit(2);
        }

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }));

        // The embedded API bypasses auth, so it can set the initial password (like
        // `neo4j-admin dbms set-initial-password`) without forcing a change on first login.
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // A reused data directory that already has this password is fine.
            if (!String.valueOf(e.getMessage()).toLowerCase().contains("same")) {
                throw e;
            }
        }
        System.out.println("teamgraph-neo4j ready (Neo4j "
                + org.neo4j.kernel.internal.Version.getNeo4jVersion() + ")");
        System.out.flush();
        stopped.await();
    }
}

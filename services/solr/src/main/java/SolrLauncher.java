import java.nio.file.Path;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Serves a real Solr on 127.0.0.1 for CKAN, hosting the cores found in the given Solr home.
 *
 * <p>Prints {@code SOLR_READY <url>} once every core has loaded, and exits non-zero when a
 * core fails to load (a schema error, say), so start scripts never wait on a broken server.
 */
public class SolrLauncher {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args.length > 0 ? args[0] : "solr-home").toAbsolutePath();
    int port = Integer.getInteger("solr.port", 8983);
    System.setProperty("solr.solr.home", home.toString());
    System.setProperty("solr.install.dir", home.getParent().toString());
    System.setProperty("solr.log.dir", home.resolve("logs").toString());
    System.setProperty("jetty.testMode", "true");
    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext("/solr")
            .stopAtShutdown(true)
            .withPortRetryTime(0)
            .waitForLoadingCoresToFinish(120_000L)
            .build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), new Properties(), config);
    try {
      solr.start();
    } catch (Exception e) {
      System.err.println("SOLR_FAILED could not start on port " + port + ": " + e);
      System.exit(2);
    }
    var failures = solr.getCoreContainer().getCoreInitFailures();
    if (!failures.isEmpty()) {
      failures.forEach((name, failure) -> {
        System.err.println("SOLR_FAILED core " + name + " did not load:");
        failure.exception.printStackTrace();
      });
      System.exit(3);
    }
    System.out.println("SOLR_READY " + solr.getBaseUrl());
    Thread.currentThread().join();
  }
}

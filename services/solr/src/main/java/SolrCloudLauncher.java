import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Serves CKAN's index from a real two-node SolrCloud on 127.0.0.1, to show the extension does not
 * depend on a single standalone core (make test-solrcloud).
 *
 * <p>Topology: an embedded ZooKeeper, two Solr nodes on fixed ports ({@code solr.port} and the
 * next one), CKAN's configset uploaded to ZooKeeper, and a collection of two shards with one
 * replica each, one shard per node. Two shards rather than one shard with two replicas, because
 * it is the case where SolrCloud differs from one core: every query fans out to both nodes and
 * merges (facets, sort, paging, counts), every add is routed by id hash to the other node half
 * the time, and commit and delete-by-query must reach both shards. Replicas of one shard would
 * only repeat the standalone index on a second node.
 *
 * <p>Prints {@code SOLRCLOUD_READY <collection url>} once the collection is active, and
 * {@code SOLRCLOUD_FAILED ...} then exits non-zero otherwise, so start scripts never wait on a
 * broken cluster. Stays up until killed; the shutdown hook stops both nodes and ZooKeeper.
 *
 * <p>Arguments: base directory (node homes, ZooKeeper data), configset directory, collection
 * name (default {@code ckan}).
 */
public class SolrCloudLauncher {
  static final int NODES = 2;
  static final int SHARDS = 2;
  static final int REPLICAS_PER_SHARD = 1;
  static final long START_TIMEOUT_SECONDS = 180;

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "solrcloud").toAbsolutePath();
    Path configset = Path.of(args.length > 1 ? args[1] : "configset").toAbsolutePath();
    String collection = args.length > 2 ? args[2] : "ckan";
    int firstPort = Integer.getInteger("solr.port", 8990);
    Files.createDirectories(base);
    System.setProperty("solr.log.dir", base.resolve("logs").toString());
    System.setProperty("jetty.testMode", "true");
    MiniSolrCloudCluster cluster = null;
    try {
      cluster = startCluster(base, configset, firstPort);
      createCollection(cluster, collection);
    } catch (Exception e) {
      System.err.println("SOLRCLOUD_FAILED " + e);
      e.printStackTrace();
      if (cluster != null) cluster.shutdown();
      System.exit(2);
    }
    final MiniSolrCloudCluster running = cluster;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running)));
    String url = running.getJettySolrRunner(0).getBaseUrl() + "/" + collection;
    System.out.println("SOLRCLOUD_READY " + url);
    System.out.println("SOLRCLOUD_ZK " + running.getZkServer().getZkAddress());
    Thread.currentThread().join();
  }

  /**
   * ZooKeeper with the configset, then the nodes on known ports (the cluster builder only
   * offers one JettyConfig for all nodes, so it starts none and each node is added here).
   */
  static MiniSolrCloudCluster startCluster(Path base, Path configset, int firstPort)
      throws Exception {
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster.Builder(0, base).addConfig("ckan", configset).build();
    for (int node = 0; node < NODES; node++) {
      JettyConfig config =
          JettyConfig.builder()
              .setPort(firstPort + node)
              .setContext("/solr")
              .stopAtShutdown(true)
              .withPortRetryTime(0)
              .build();
      cluster.startJettySolrRunner("node" + (node + 1), "/solr", config);
    }
    cluster.waitForAllNodes((int) START_TIMEOUT_SECONDS);
    return cluster;
  }

  static void createCollection(MiniSolrCloudCluster cluster, String collection) throws Exception {
    var response =
        CollectionAdminRequest.createCollection(collection, "ckan", SHARDS, REPLICAS_PER_SHARD)
            .process(cluster.getSolrClient());
    if (!response.isSuccess()) {
      throw new IllegalStateException("collection " + collection + " not created: " + response);
    }
    cluster.waitForActiveCollection(
        collection, START_TIMEOUT_SECONDS, TimeUnit.SECONDS, SHARDS, SHARDS * REPLICAS_PER_SHARD);
  }

  static void stop(MiniSolrCloudCluster cluster) {
    try {
      cluster.shutdown();
    } catch (Exception e) {
      System.err.println("SOLRCLOUD shutdown: " + e);
    }
  }
}

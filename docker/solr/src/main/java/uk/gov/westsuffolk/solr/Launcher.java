package uk.gov.westsuffolk.solr;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.solr.embedded.JettyConfig;

/** Starts a real Solr 9 on host:port/solr with the given solr home (core "ckan" inside). */
public final class Launcher {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: Launcher SOLR_HOME   (port from -Dsolr.port, default 8983)");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.getInteger("solr.port", 8983);
    System.setProperty("host", System.getProperty("host", "127.0.0.1"));
    System.setProperty("jetty.host", System.getProperty("jetty.host", "127.0.0.1"));
    JettyConfig config = JettyConfig.builder().setContext("/solr").setPort(port).stopAtShutdown(true).build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), config);
    solr.start();
    System.out.println("Solr " + org.apache.solr.client.api.util.SolrVersion.LATEST_STRING + " listening on " + solr.getBaseUrl());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try { solr.stop(); } catch (Exception e) { e.printStackTrace(); }
    }));
    new CountDownLatch(1).await();
  }
}

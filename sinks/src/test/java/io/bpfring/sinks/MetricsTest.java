package io.bpfring.sinks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus endpoint, scraped over HTTP while a sink is stalled and after. */
class MetricsTest {
    @Test
    void countsPerRingAndSinkAreScrapedOnLoopback() throws Exception {
        BlockingOutput out = new BlockingOutput();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkOptions options = SinkOptions.defaults().metrics("0").statusInterval(null)
                .out(new PrintStream(out, false, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8));
        SinkSet sinks = Sinks.parse(List.of("stdout:json?queue=10"), options);
        RingMeter ring = sinks.ring("events", 256 * 1024, () -> 8192);
        sinks.start();
        InetSocketAddress address = sinks.metricsAddress();
        try {
            assertTrue(address.getAddress().isLoopbackAddress(), address::toString);
            assertNotReachableOnOtherAddresses(address.getPort());

            // The sink's thread takes one record and stalls on the output; 10 more fill its
            // queue; the other 19 are dropped.
            sinks.accept(TestRecords.record(0));
            assertTrue(out.stalled.await(10, TimeUnit.SECONDS));
            for (int i = 1; i < 30; i++) {
                SinkRecord r = TestRecords.record(i);
                ring.record(r.json().length);
                sinks.accept(r);
            }
            ring.lost(5);
            Map<String, Double> m = scrape(address);
            String sink = "{sink=\"stdout:json?queue=10\"}";
            assertEquals(30.0, m.get("bpfring_records_total"));
            assertEquals(29.0, m.get("bpfring_ring_records_total{ring=\"events\"}"));
            assertEquals(5.0, m.get("bpfring_ring_lost_total{ring=\"events\"}"));
            assertEquals(8192.0, m.get("bpfring_ring_available_bytes{ring=\"events\"}"));
            assertEquals(262144.0, m.get("bpfring_ring_size_bytes{ring=\"events\"}"));
            assertEquals(19.0, m.get("bpfring_sink_dropped_total" + sink));
            assertEquals(11.0, m.get("bpfring_sink_accepted_total" + sink));
            assertEquals(10.0, m.get("bpfring_sink_queued" + sink));
            assertEquals(10.0, m.get("bpfring_sink_queue_capacity" + sink));
            assertEquals(0.0, m.get("bpfring_sink_delivered_total" + sink));
            assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("queue full")).count());

            out.release.countDown();
            assertTrue(sinks.awaitIdle(Duration.ofSeconds(10)));
            m = scrape(address);
            assertEquals(11.0, m.get("bpfring_sink_delivered_total" + sink));
            assertEquals(0.0, m.get("bpfring_sink_queued" + sink));
            assertTrue(m.get("bpfring_sink_bytes_total" + sink) > 11 * 100);
        } finally {
            out.release.countDown();
            sinks.close();
        }
        assertEquals(11, out.text().lines().count());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "sinks: 30 records (ring events: 5 lost); stdout:json?queue=10: 11 delivered, 19 dropped, 0 failed, 0 unsent"),
                err::toString);
        assertThrows(java.io.IOException.class, () -> scrape(address), "the endpoint stops with the sinks");
    }

    @Test
    void aProgramsDropCountIsDroppedNotLost() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkOptions options = SinkOptions.defaults().metrics("0").statusInterval(null)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8));
        SinkSet sinks = Sinks.parse(List.of("stdout:json"), options);
        RingMeter counted = sinks.ring("execs", 4096, null);
        RingMeter perf = sinks.ring("events", 4096, null);
        sinks.start();
        try {
            counted.dropped(3);
            counted.dropped(2); // an older total read late
            perf.lost(4);
            Map<String, Double> m = scrape(sinks.metricsAddress());
            assertEquals(3.0, m.get("bpfring_ring_dropped_total{ring=\"execs\"}"));
            assertEquals(0.0, m.get("bpfring_ring_lost_total{ring=\"execs\"}"));
            assertEquals(4.0, m.get("bpfring_ring_lost_total{ring=\"events\"}"));
            assertEquals(0.0, m.get("bpfring_ring_dropped_total{ring=\"events\"}"));
        } finally {
            sinks.close();
        }
        // The ring whose program counts nothing shows no dropped count rather than a made-up 0.
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "sinks: 0 records (ring execs: 0 lost, 3 dropped, ring events: 4 lost); stdout:json: 0 delivered"),
                err::toString);
    }

    /** Metrics are sensitive: nothing answers on the host's other addresses. */
    private static void assertNotReachableOnOtherAddresses(int port) throws Exception {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            for (InetAddress a : nic.inetAddresses().toList()) {
                if (a.isLoopbackAddress() || !(a instanceof Inet4Address)) {
                    continue;
                }
                try (Socket s = new Socket()) {
                    assertThrows(java.io.IOException.class, () -> s.connect(new InetSocketAddress(a, port), 1000),
                            "metrics answered on " + a);
                }
            }
        }
    }

    static Map<String, Double> scrape(InetSocketAddress address) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + address.getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            Map<String, Double> values = new HashMap<>();
            for (String line : response.body().lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return values;
        }
    }
}

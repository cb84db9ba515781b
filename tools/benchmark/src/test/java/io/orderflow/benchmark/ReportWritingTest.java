package io.orderflow.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ReportWritingTest {
    private static Scenario scenario(String name, double perSecond) {
        List<Timeline.Point> timeline = List.of(new Timeline.Point(0, 100, 20.0, 80.0, null, null),
                new Timeline.Point(1, 0, null, null, null, null), new Timeline.Point(2, 300, 25.0, 90.0, 900.0, 4_000.0));
        return new Scenario(name, "a <scenario> & more", 400, 2.0, perSecond, name.equals("baseline") ? null : 10.0,
                null, Map.of("engine", new Latencies.Summary(400, 20, 60, 80, 95)), Map.of("kafka", 1.5, "engine", 2.5),
                10.0, null, Map.of("order-engine", 0L), Map.of("inventory.outbox", 3L), Map.of("placed", 80L), timeline);
    }

    private static RunReport report() {
        return new RunReport("abc1234", "2026-12-01T03:00:00Z", "scripts/benchmark.sh --quick",
                new RunReport.Machine(2, 24_000, "Debian 17.0.15", "Linux"), 10.0, List.of(
                        new Choreography.Step(10, 50, 49, 20, 40, 42, 0, 0, true)),
                RunReport.withRatios(List.of(scenario("baseline", 50_000), scenario("engine", 10_000))),
                new RunReport.Checks(true, List.of()), "x.svg");
    }

    @Test
    void theRunJsonHasTheFieldsScriptsCompareBy() throws Exception {
        JsonNode json = RunReport.JSON.readTree(RunReport.JSON.writeValueAsString(report()));

        assertThat(json.get("commit").asText()).isEqualTo("abc1234");
        assertThat(json.get("machine").get("nproc").asInt()).isEqualTo(2);
        assertThat(json.get("scenarios")).hasSize(2);
        JsonNode engine = json.get("scenarios").get(1);
        assertThat(engine.get("name").asText()).isEqualTo("engine");
        assertThat(engine.get("transitions_per_s").asDouble()).isEqualTo(10_000);
        assertThat(engine.get("ratio_to_baseline").asDouble()).isEqualTo(0.2);
        assertThat(engine.get("latency_ms").get("engine").get("p99_ms").asDouble()).isEqualTo(80);
        assertThat(engine.get("cpu_seconds").get("kafka").asDouble()).isEqualTo(1.5);
        assertThat(json.get("rate_search").get(0).get("sustained").asBoolean()).isTrue();
        assertThat(json.get("checks").get("passed").asBoolean()).isTrue();
    }

    @Test
    void aScenarioReadsBackAsItWasWritten() throws Exception {
        Scenario s = RunReport.withRatios(List.of(scenario("baseline", 50_000))).get(0);
        assertThat(RunReport.JSON.readValue(RunReport.JSON.writeValueAsString(s), Scenario.class)).isEqualTo(s);
    }

    @Test
    void theTableShowsEachScenarioAgainstTheBaseline() {
        String table = report().table();
        assertThat(table).contains("| engine | 10,000 | 0.200 | 20.0 / 60.0 / 80.0 / 95.0 | — |");
        assertThat(report().cpuTable()).startsWith("| CPU seconds | engine | kafka |").contains("| engine | 2.5 | 1.5 |");
    }

    @Test
    void theChartIsWellFormedSvgWithALinePerSeriesAndEscapedText() throws Exception {
        String svg = SvgChart.render("run <1>", report().scenarios());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        // per scenario: throughput, engine p50 and p99, worker p50 and p99 (one point only, still a line)
        assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(2 * 5);
        assertThat(svg).contains("run &lt;1&gt;");
        String throughput = doc.getElementsByTagName("polyline").item(0).getAttributes().getNamedItem("points")
                .getNodeValue();
        assertThat(throughput.split(" ")).hasSize(3);
    }

    @Test
    void axisTopsAreRoundNumbers() {
        assertThat(SvgChart.niceCeiling(37)).isEqualTo(50);
        assertThat(SvgChart.niceCeiling(3_400)).isEqualTo(5_000);
        assertThat(SvgChart.niceCeiling(100)).isEqualTo(100);
    }
}

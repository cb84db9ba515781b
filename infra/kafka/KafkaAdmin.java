// Admin helper for infra/kafka.sh, run as a single-file program:
//   java -cp <infra/kafka classpath> infra/kafka/KafkaAdmin.java await SECONDS
//   java -cp ... KafkaAdmin.java create-topics TOPICS-FILE PARTITIONS
//   java -cp ... KafkaAdmin.java list
// One JVM checks readiness and creates every topic; TopicCommand would need a
// JVM (~2 s) per topic. The bootstrap address comes from ORDERFLOW_KAFKA_BOOTSTRAP.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

public class KafkaAdmin {

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv().getOrDefault("ORDERFLOW_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "await" -> System.exit(await(bootstrap, Duration.ofSeconds(Long.parseLong(args[1]))) ? 0 : 1);
            case "create-topics" -> {
                try (Admin admin = admin(bootstrap, Duration.ofSeconds(30))) {
                    createTopics(admin, readTopics(Path.of(args[1])), Integer.parseInt(args[2]));
                }
            }
            case "list" -> {
                try (Admin admin = admin(bootstrap, Duration.ofSeconds(30))) {
                    list(admin);
                }
            }
            default -> {
                System.err.println("usage: KafkaAdmin await SECONDS | create-topics FILE PARTITIONS | list");
                System.exit(2);
            }
        }
    }

    static Admin admin(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return Admin.create(p);
    }

    /** Ready = the broker answers a metadata request and lists itself. */
    static boolean await(String bootstrap, Duration timeout) throws InterruptedException {
        try (Admin admin = admin(bootstrap, timeout)) {
            return !admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            System.err.println("Kafka at " + bootstrap + " not ready: " + e.getMessage());
            return false;
        }
    }

    /** Lines `name [key=value ...]`; `#` starts a comment. Keeps file order. */
    static Map<String, Map<String, String>> readTopics(Path file) throws IOException {
        Map<String, Map<String, String>> topics = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) continue;
            String[] words = line.split("\\s+");
            Map<String, String> configs = new TreeMap<>();
            for (int i = 1; i < words.length; i++) {
                String[] kv = words[i].split("=", 2);
                if (kv.length != 2) throw new IllegalArgumentException(file + ": expected key=value, got '" + words[i] + "'");
                configs.put(kv[0], kv[1]);
            }
            topics.put(words[0], configs);
        }
        return topics;
    }

    static void createTopics(Admin admin, Map<String, Map<String, String>> wanted, int partitions) throws Exception {
        Set<String> existing = admin.listTopics().names().get();

        List<NewTopic> missing = new ArrayList<>();
        wanted.forEach((name, configs) -> {
            if (!existing.contains(name)) missing.add(new NewTopic(name, partitions, (short) 1).configs(configs));
        });
        for (var created : admin.createTopics(missing).values().values()) {
            try {
                created.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e; // created meanwhile: fine
            }
        }

        // Existing topics: apply configs from the file; never change the partition
        // count (that would move keys to other partitions), only warn.
        List<String> present = wanted.keySet().stream().filter(existing::contains).collect(Collectors.toList());
        Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames().get();
        for (String name : present) {
            int actual = described.get(name).partitions().size();
            if (actual != partitions) {
                System.out.printf("    WARNING: %s has %d partitions, not %d (left as it is)%n", name, actual, partitions);
            }
            Map<String, String> configs = wanted.get(name);
            if (!configs.isEmpty()) {
                Collection<AlterConfigOp> ops = configs.entrySet().stream()
                        .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET))
                        .collect(Collectors.toList());
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name), ops)).all().get();
            }
        }
        System.out.printf("    topics: %d created, %d already present (%d partitions each)%n",
                missing.size(), present.size(), partitions);
    }

    /** Every non-internal topic with its partition count and the configs set on it. */
    static void list(Admin admin) throws Exception {
        Set<String> names = new java.util.TreeSet<>(admin.listTopics().names().get());
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).collect(Collectors.toList());
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        for (String name : names) {
            String set = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries().stream()
                    .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .map(e -> e.name() + "=" + e.value())
                    .collect(Collectors.joining(" "));
            System.out.printf("%-32s partitions=%d %s%n", name, described.get(name).partitions().size(), set);
        }
    }
}

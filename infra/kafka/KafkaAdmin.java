// Admin helper for infra/kafka.sh, run as a single-file program:
//   java -cp <infra/kafka classpath> infra/kafka/KafkaAdmin.java await SECONDS
//   java -cp ... KafkaAdmin.java create-topics TOPICS-FILE PARTITIONS
//   java -cp ... KafkaAdmin.java list
//   java -cp ... KafkaAdmin.java secure ACLS-FILE   (secured broker: SCRAM users from the credentials file, ACLs)
// One JVM checks readiness and creates every topic; TopicCommand would need a
// JVM (~2 s) per topic. The bootstrap address comes from ORDERFLOW_KAFKA_BOOTSTRAP; with
// ORDERFLOW_KAFKA_CREDENTIALS set (a secured broker) it authenticates as the super user kafka-admin.

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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
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
            case "secure" -> {
                try (Admin admin = admin(bootstrap, Duration.ofSeconds(30))) {
                    secure(admin, credentials(), Path.of(args[1]));
                }
            }
            default -> {
                System.err.println("usage: KafkaAdmin await SECONDS | create-topics FILE PARTITIONS | list | secure ACLS");
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
        Properties credentials = credentials();
        if (credentials != null) {
            p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
            p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"" + SUPER_USER + "\" password=\"" + credentials.getProperty(SUPER_USER) + "\";");
        }
        return Admin.create(p);
    }

    static final String SUPER_USER = "kafka-admin";

    /** principal=password lines of ORDERFLOW_KAFKA_CREDENTIALS; null when the broker is not secured. */
    static Properties credentials() {
        String file = System.getenv("ORDERFLOW_KAFKA_CREDENTIALS");
        if (file == null || file.isBlank()) return null;
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Path.of(file))) {
            p.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    /**
     * Gives every principal of the credentials file (but the super user, made at format time) its SCRAM-SHA-512
     * credential, and creates the ACLs of the file (see infra/config/kafka-acls.txt). Both are idempotent.
     */
    static void secure(Admin admin, Properties credentials, Path aclFile) throws Exception {
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (String name : credentials.stringPropertyNames()) {
            if (!name.equals(SUPER_USER)) {
                users.add(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), credentials.getProperty(name)));
            }
        }
        admin.alterUserScramCredentials(users).all().get();
        List<AclBinding> acls = new ArrayList<>();
        for (String raw : Files.readAllLines(aclFile)) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) continue;
            String[] w = line.split("\\s+");
            if (w.length < 4) throw new IllegalArgumentException(aclFile + ": expected PRINCIPAL OPERATION RESOURCE NAME..., got '" + line + "'");
            AclOperation operation = switch (w[1]) {
                case "read" -> AclOperation.READ;
                case "write" -> AclOperation.WRITE;
                case "all" -> AclOperation.ALL;
                case "describe" -> AclOperation.DESCRIBE;
                case "describe-configs" -> AclOperation.DESCRIBE_CONFIGS;
                default -> throw new IllegalArgumentException(aclFile + ": unknown operation " + w[1]);
            };
            String[] resource = w[2].split(":", 2);
            ResourceType type = switch (resource[0]) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactional-id" -> ResourceType.TRANSACTIONAL_ID;
                default -> throw new IllegalArgumentException(aclFile + ": unknown resource " + resource[0]);
            };
            PatternType pattern = resource.length > 1 && resource[1].equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL;
            for (int i = 3; i < w.length; i++) {
                acls.add(new AclBinding(new ResourcePattern(type, w[i], pattern),
                        new AccessControlEntry("User:" + w[0], "*", operation, AclPermissionType.ALLOW)));
            }
        }
        admin.createAcls(acls).all().get();
        System.out.printf("    secured: %d principals with SCRAM-SHA-512 credentials, %d ACLs%n", users.size(), acls.size());
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

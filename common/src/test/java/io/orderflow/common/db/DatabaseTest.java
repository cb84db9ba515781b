package io.orderflow.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void servicesMigrateTheirOwnSchemasConcurrently() throws Exception {
        List<TestDatabase> schemas = List.of(TestDatabase.create(), TestDatabase.create(), TestDatabase.create(),
                TestDatabase.create());
        ExecutorService pool = Executors.newFixedThreadPool(schemas.size() * 2);
        try {
            // Two instances per schema at once, as when a service is scaled out and every instance migrates on start.
            List<Future<Database>> opening = new ArrayList<>();
            for (TestDatabase schema : schemas) {
                Callable<Database> open = () -> schema.open("classpath:db/testing/handled");
                opening.add(pool.submit(open));
                opening.add(pool.submit(open));
            }
            for (Future<Database> f : opening) {
                Database db = f.get();
                List<String> tables = db.jdbi().withHandle(h -> h.createQuery(
                                "select table_name from information_schema.tables where table_schema = :s order by 1")
                        .bind("s", db.schema()).mapTo(String.class).list());
                assertThat(tables).contains("outbox", "processed_messages", "handled",
                        Database.COMMON_HISTORY_TABLE, "flyway_schema_history");
            }
        } finally {
            pool.shutdownNow();
            schemas.forEach(TestDatabase::close);
        }
    }

    @Test
    void reopeningAMigratedSchemaChangesNothingAndConnectionsWorkInIt() {
        try (TestDatabase schema = TestDatabase.create()) {
            schema.open("classpath:db/testing/handled").jdbi().useHandle(h ->
                    h.execute("insert into handled (message_id, order_id) values ('m1', 'o1')"));
            Database again = schema.open("classpath:db/testing/handled");
            Integer rows = again.jdbi().withHandle(h -> h.createQuery("select count(*) from handled")
                    .mapTo(Integer.class).one());
            Integer applied = again.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from " + Database.COMMON_HISTORY_TABLE + " where success").mapTo(Integer.class).one());
            assertThat(rows).isEqualTo(1);
            // V1 outbox, V2 processed messages, V3 the due-work trigger function, V4 parking: each applied once.
            assertThat(applied).isEqualTo(4);
        }
    }

    @Test
    void transientErrorsAreToldFromPermanentOnes() {
        try (TestDatabase schema = TestDatabase.create()) {
            Database db = schema.open();
            Exception serialization = catchError(db, "do $$ begin raise exception using errcode = '40001'; end $$");
            Exception deadlock = catchError(db, "do $$ begin raise exception using errcode = '40P01'; end $$");
            Exception missingTable = catchError(db, "select * from no_such_table");
            assertThat(TransientErrors.isTransient(serialization)).isTrue();
            assertThat(TransientErrors.isTransient(deadlock)).isTrue();
            assertThat(TransientErrors.isTransient(missingTable)).isFalse();
        }
    }

    private static Exception catchError(Database db, String sql) {
        try {
            db.jdbi().useHandle(h -> h.execute(sql));
            throw new AssertionError("expected " + sql + " to fail");
        } catch (RuntimeException e) {
            return e;
        }
    }
}

package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.common.db.Database;
import io.orderflow.common.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stock invariant as the database enforces and reports it, without Kafka. */
class StockDatabaseIntegrationTest {
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static Jdbi jdbi;
    private final Inventory inventory = new Inventory();

    @BeforeAll
    static void migrate() {
        Database database = schema.open(InventoryWorker.MIGRATIONS);
        jdbi = database.jdbi();
    }

    @Test
    void aDirectUpdateThatMakesStockNegativeFailsOnTheCheck() throws SQLException {
        String sku = newSku(5);
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("update stock set reserved = 6 where sku = '" + sku + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("stock_available_not_negative")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23514"));
            assertThatThrownBy(() -> s.executeUpdate("update stock set on_hand = on_hand - 6 where sku = '" + sku + "'"))
                    .hasMessageContaining("stock_available_not_negative");
            assertThatThrownBy(() -> s.executeUpdate("update stock set reserved = -1 where sku = '" + sku + "'"))
                    .hasMessageContaining("stock_reserved_not_negative");
        }
        assertThat(level(sku)).isEqualTo(new StockLevel(sku, 5, 0));
    }

    @Test
    void theDiscrepancyViewNamesASkuWhoseReservedStockIsNotItsActiveReservations() throws SQLException {
        String sku = newSku(5);
        jdbi.useTransaction(h -> inventory.reserve(h, "o-1", "o-1-r1", List.of(new Line(sku, 2))));
        assertThat(jdbi.withHandle(inventory::discrepancies)).isEmpty();

        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("update stock set reserved = reserved + 1 where sku = '" + sku + "'");  // passes the CHECK
        }

        assertThat(jdbi.withHandle(inventory::discrepancies)).containsExactly(new Discrepancy(sku, 3, 2));
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("update stock set reserved = reserved - 1 where sku = '" + sku + "'");
        }
    }

    @Test
    void setOnHandAddsSkusAndRefusesToGoBelowWhatIsReserved() {
        String sku = newSku(5);
        jdbi.useTransaction(h -> inventory.reserve(h, "o-2", "o-2-r1", List.of(new Line(sku, 4))));

        assertThatThrownBy(() -> jdbi.useTransaction(h -> inventory.setOnHand(h, sku, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot set " + sku + " to 3 on hand: 4 are reserved; release reservations first");
        StockLevel raised = jdbi.inTransaction(h -> inventory.setOnHand(h, sku, 9));

        assertThat(raised).isEqualTo(new StockLevel(sku, 9, 4));
    }

    @Test
    void theAdminCommandSetsShowsAndChecksStock() {
        String sku = "ADM-" + UUID.randomUUID().toString().substring(0, 6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(admin(out, err, "set", sku + "=12")).isZero();
        jdbi.useTransaction(h -> inventory.reserve(h, "o-3", "o-3-r1", List.of(new Line(sku, 5))));
        assertThat(admin(out, err, "show", sku, "NOPE")).isZero();
        assertThat(admin(out, err, "set", sku + "=4")).isEqualTo(2);
        assertThat(admin(out, err, "check")).isZero();

        assertThat(out.toString()).contains(sku + ": on hand 12, reserved 0, available 12",
                sku + ": on hand 12, reserved 5, available 7", "ok: reserved stock equals active reservations");
        assertThat(err.toString()).contains("NOPE: unknown SKU",
                "cannot set " + sku + " to 4 on hand: 5 are reserved");
        assertThat(admin(out, err, "frobnicate")).isEqualTo(2);
    }

    @Test
    void stockChangesOutsideATransactionAreRefused() {
        assertThatThrownBy(() -> jdbi.useHandle(h -> inventory.setOnHand(h, "X", 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static int admin(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return InventoryAdminMain.run(schema.config(), args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String newSku(int onHand) {
        String sku = "S-" + UUID.randomUUID().toString().substring(0, 6);
        jdbi.useTransaction(h -> inventory.setOnHand(h, sku, onHand));
        return sku;
    }

    private StockLevel level(String sku) {
        return jdbi.onDemand(InventoryDao.class).level(sku).orElseThrow();
    }
}

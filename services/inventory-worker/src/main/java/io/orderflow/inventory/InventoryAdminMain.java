package io.orderflow.inventory;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Stock administration from the command line, against the worker's schema (same settings as the worker):
 * <pre>
 * set SKU=QTY [SKU=QTY ...]   set on-hand stock (adds new SKUs); refused below what is reserved
 * show [SKU ...]              on hand, reserved and available
 * check                       the stock invariant: exit 1 listing SKUs whose reserved differs from active reservations
 * </pre>
 */
public final class InventoryAdminMain {
    private InventoryAdminMain() {}

    public static void main(String[] args) {
        System.exit(run(Config.fromEnvironment(), args, System.out, System.err));
    }

    static int run(Config config, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !List.of("set", "show", "check").contains(args[0])) {
            err.println("usage: set SKU=QTY [SKU=QTY ...] | show [SKU ...] | check");
            return 2;
        }
        Inventory inventory = new Inventory();
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try (Database database = Database.open(config, Database.schemaName(config, InventoryWorker.NAME),
                InventoryWorker.MIGRATIONS)) {
            switch (args[0]) {
                case "set" -> {
                    List<Line> levels = StockSeed.parse(String.join(",", rest.stream().map(a -> a.replace('=', ':')).toList()));
                    database.jdbi().useTransaction(handle -> levels.forEach(l -> print(out,
                            inventory.setOnHand(handle, l.sku(), l.quantity()))));
                    return 0;
                }
                case "show" -> {
                    InventoryDao dao = database.jdbi().onDemand(InventoryDao.class);
                    List<StockLevel> levels = rest.isEmpty() ? dao.levels()
                            : rest.stream().map(sku -> dao.level(sku).orElse(null)).toList();
                    for (int i = 0; i < levels.size(); i++) {
                        if (levels.get(i) == null) {
                            err.println(rest.get(i) + ": unknown SKU");
                        } else {
                            print(out, levels.get(i));
                        }
                    }
                    return 0;
                }
                default -> {
                    List<Discrepancy> broken = database.jdbi().withHandle(inventory::discrepancies);
                    broken.forEach(d -> out.println(d.sku() + ": reserved " + d.reserved()
                            + " but active reservations hold " + d.activeReserved()));
                    out.println(broken.isEmpty() ? "ok: reserved stock equals active reservations for every SKU"
                            : broken.size() + " SKUs broken");
                    return broken.isEmpty() ? 0 : 1;
                }
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    private static void print(PrintStream out, StockLevel level) {
        out.println(level.sku() + ": on hand " + level.onHand() + ", reserved " + level.reserved() + ", available "
                + level.available());
    }
}

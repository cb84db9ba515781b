package io.orderflow.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderflowHostTest {
    private static final Config NO_SETTINGS = Config.of(Map.of());

    private static List<String> planned(String... names) {
        return OrderflowHost.plan(List.of(names), NO_SETTINGS).stream().map(Service::name).toList();
    }

    @Test
    void noNameRunsEveryServiceWorkersFirstEngineLast() {
        assertThat(planned()).containsExactly("inventory-worker", "payment-worker", "shipping-worker",
                "notification-worker", "audit-worker", "order-engine");
    }

    @Test
    void aliasesAndFullNamesPickTheSameServicesInStartOrder() {
        assertThat(planned("payment-worker", "engine", "inventory")).containsExactly("inventory-worker",
                "payment-worker", "order-engine");
        assertThat(planned("notification", "audit-worker", "shipping")).containsExactly("shipping-worker",
                "notification-worker", "audit-worker");
    }

    @Test
    void aServiceNamedTwiceStartsOnce() {
        assertThat(planned("engine", "order-engine")).containsExactly("order-engine");
    }

    @Test
    void unknownNamesAreRefusedNamingThemAndTheValidOnes() {
        assertThatThrownBy(() -> planned("engine", "paymnet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown service 'paymnet'; valid: ")
                .hasMessageContaining("order-engine (engine)")
                .hasMessageContaining("payment-worker (payment)");
        assertThatThrownBy(() -> planned("x", "y")).hasMessageStartingWith("unknown services [x, y]; valid: ");
    }

    @Test
    void oneSchemaSettingForSeveralServicesIsRefused() {
        Config oneSchema = Config.of(Map.of("ORDERFLOW_DB_SCHEMA", "mine"));
        assertThatThrownBy(() -> OrderflowHost.plan(List.of("inventory", "payment"), oneSchema))
                .hasMessageContaining("ORDERFLOW_DB_SCHEMA names one schema, but 2 services would share it");
        assertThat(OrderflowHost.plan(List.of("payment"), oneSchema)).extracting(Service::name)
                .containsExactly("payment-worker");
    }

    @Test
    void usageListsEveryServiceWithItsAlias() {
        assertThat(OrderflowHost.usage()).contains("inventory-worker (inventory)", "audit-worker (audit)",
                "order-engine (engine)");
    }
}

package io.orderflow.admin.web;

import io.orderflow.admin.orders.Availability;
import io.orderflow.admin.orders.OrderDetail;
import java.util.List;

/** The order page's model: the order, each transition's button (allowed or why not), and the state diagram. */
public record OrderView(OrderDetail order, List<Availability.Option> options, String diagramSvg, String csrf) {
    public boolean anyAllowed() {
        return options.stream().anyMatch(Availability.Option::allowed);
    }
}

package io.orderflow.cli;

import io.orderflow.schema.Money;
import io.orderflow.schema.OrderLine;
import java.math.BigDecimal;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --line SKU:QTY:PRICE}, e.g. {@code SKU-1:2:12.50}; the price is exact, in the order's currency. */
final class LineOption implements ITypeConverter<LineOption.Line> {
    record Line(String sku, int quantity, BigDecimal unitPrice) {
        OrderLine toOrderLine(String currency) {
            return new OrderLine(sku, quantity, new Money(unitPrice.movePointRight(2).longValueExact(), currency));
        }
    }

    @Override
    public Line convert(String value) {
        String[] parts = value.split(":");
        if (parts.length != 3) {
            throw new TypeConversionException("'" + value + "' should be SKU:QUANTITY:UNIT_PRICE, e.g. SKU-1:2:12.50");
        }
        try {
            BigDecimal price = new BigDecimal(parts[2]);
            if (price.scale() > 2) {
                throw new TypeConversionException("price '" + parts[2] + "' has more than two decimals");
            }
            return new Line(parts[0], Integer.parseInt(parts[1]), price);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "': quantity must be a whole number and price a decimal");
        }
    }
}

package io.orderflow.cli;

import io.orderflow.domain.validation.InputRules;
import io.orderflow.domain.validation.InvalidInputException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --line SKU:QTY:PRICE}, e.g. {@code SKU-1:2:12.50}; the price is exact, in the order's currency. A
 * quantity or price outside the input rules is refused here, naming the field and its limit.
 */
final class LineOption implements ITypeConverter<LineOption.Line> {
    record Line(String sku, int quantity, long unitPriceMinor) {}

    @Override
    public Line convert(String value) {
        String[] parts = value.split(":");
        if (parts.length != 3) {
            throw new TypeConversionException("'" + value + "' should be SKU:QUANTITY:UNIT_PRICE, e.g. SKU-1:2:12.50");
        }
        try {
            return new Line(parts[0], InputRules.parseQuantity("quantity", parts[1]),
                    InputRules.parseUnitPrice("unitPrice", parts[2]));
        } catch (InvalidInputException e) {
            throw new TypeConversionException(InputRules.shown(value) + ": " + e.getMessage());
        }
    }
}

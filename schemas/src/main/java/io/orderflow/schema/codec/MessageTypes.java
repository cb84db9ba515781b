package io.orderflow.schema.codec;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderRecord;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/** The top-level records written to topics or stores; each keeps its released versions in {@code released/<Name>/}. */
public final class MessageTypes {
    public static final List<Class<? extends SpecificRecordBase>> ALL = List.of(
            OrderCommand.class, OrderEvent.class, CommandResult.class, EffectOutcome.class, OrderRecord.class,
            LedgerEntry.class);

    private MessageTypes() {}
}

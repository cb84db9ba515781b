package io.orderflow.common.kafka;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic's name together with the serdes of its keys and values, so the two never drift apart. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Consumed<K, V> consumed() {
        return Consumed.with(keySerde, valueSerde);
    }

    public Produced<K, V> produced() {
        return Produced.with(keySerde, valueSerde);
    }

    /** Where records of this topic that cannot be processed go, with the reason in headers. */
    public String deadLetterTopic() {
        return DeadLetters.topicFor(name);
    }
}

package dev.baton.store;

import dev.baton.shared.BatonException;
import dev.baton.workflow.EventLog.StoredEvent;
import dev.baton.workflow.WorkflowEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns events into the JSON payload the event log keeps (all record fields, instants as ISO-8601 strings)
 * and back. The type name is {@link WorkflowEvent#type()}, the record's simple name.
 */
public final class EventCodec {
    private static final Map<String, Class<? extends WorkflowEvent>> TYPES = Arrays.stream(WorkflowEvent.class.getPermittedSubclasses())
            .map(c -> c.asSubclass(WorkflowEvent.class))
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final JsonMapper mapper;

    public EventCodec() {
        this(StoreJson.MAPPER);
    }

    /** @param mapper must write instants as strings (Jackson 3's default) */
    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public String encode(WorkflowEvent event) {
        return mapper.writeValueAsString(event);
    }

    /** @throws BatonException.Invalid when the type is unknown or the payload does not fit it */
    public WorkflowEvent decode(String type, String payload) {
        Class<? extends WorkflowEvent> cls = TYPES.get(type);
        if (cls == null) throw new BatonException.Invalid("event.type.unknown", "unknown event type '" + type + "'");
        try {
            return mapper.readValue(payload, cls);
        } catch (JacksonException e) {
            throw new BatonException.Invalid("event.payload.invalid", "cannot read a " + type + " event: " + e.getOriginalMessage());
        }
    }

    public WorkflowEvent decode(StoredEvent stored) {
        return decode(stored.type(), stored.payload());
    }
}

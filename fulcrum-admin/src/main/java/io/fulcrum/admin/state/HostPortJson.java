package io.fulcrum.admin.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fulcrum.core.config.HostPort;

import java.io.IOException;

/**
 * Writes a {@link HostPort} in JSON as the configuration writes it ({@code "host:port"},
 * {@code "[::1]:53"}) and reads it back through {@link HostPort#parse(String)}, so the
 * API's answers and the state file show addresses as strings, not as objects.
 */
public final class HostPortJson {

    private HostPortJson() {
    }

    /** The Jackson module with the serializer and the deserializer. */
    public static SimpleModule module() {
        SimpleModule m = new SimpleModule("fulcrum-host-port");
        m.addSerializer(HostPort.class, new JsonSerializer<>() {
            @Override
            public void serialize(HostPort value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        m.addDeserializer(HostPort.class, new JsonDeserializer<>() {
            @Override
            public HostPort deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                try {
                    return HostPort.parse(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    return (HostPort) ctx.handleWeirdStringValue(HostPort.class, p.getValueAsString(), e.getMessage());
                }
            }
        });
        return m;
    }
}

package io.poolkeeper.api.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.time.Duration;

/** The one YAML form of {@link SidecarConfig}, shared by the operator that writes it and the sidecar that reads it. */
public final class SidecarConfigYaml {
    private static final ObjectMapper MAPPER = new ObjectMapper(
                    new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .registerModule(new SimpleModule("durations")
                    .addDeserializer(Duration.class, new DurationDeserializer())
                    .addSerializer(Duration.class, new DurationSerializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private SidecarConfigYaml() {}

    /** Parses YAML text; a mistake is reported with the field path and, where known, the line. */
    public static SidecarConfig parse(String yaml) {
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) throw new IllegalArgumentException("the config is empty");
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the config must be a mapping of fields (name: value), e.g. database: app");
            }
            return MAPPER.readValue(parser, SidecarConfig.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(YamlProblem.describe(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static String write(SidecarConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (!p.currentToken().isScalarValue()) return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
            return Durations.parse(p.getValueAsString());
        }
    }

    private static final class DurationSerializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Durations.format(value));
        }
    }
}

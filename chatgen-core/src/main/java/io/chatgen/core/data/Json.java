package io.chatgen.core.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.chatgen.core.DataFormatException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Typed access to Gson objects with messages that name the missing or mistyped field. */
final class Json {
  private Json() {}

  static @Nullable JsonElement opt(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? null : e;
  }

  static String string(JsonObject o, String field) {
    String s = optString(o, field);
    if (s == null) {
      throw new DataFormatException("field \"" + field + "\" is missing or null");
    }
    return s;
  }

  static @Nullable String optString(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive()) {
      throw new DataFormatException("field \"" + field + "\" should be a string, is " + e);
    }
    return e.getAsString();
  }

  static long longValue(JsonObject o, String field) {
    Long v = optLong(o, field);
    if (v == null) {
      throw new DataFormatException("field \"" + field + "\" is missing or null");
    }
    return v;
  }

  static @Nullable Long optLong(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    if (e == null) {
      return null;
    }
    try {
      return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
    } catch (RuntimeException ex) {
      throw new DataFormatException("field \"" + field + "\" should be a whole number, is " + e);
    }
  }

  static @Nullable Double optDouble(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    if (e == null) {
      return null;
    }
    try {
      return e.getAsJsonPrimitive().getAsDouble();
    } catch (RuntimeException ex) {
      throw new DataFormatException("field \"" + field + "\" should be a number, is " + e);
    }
  }

  static @Nullable Boolean optBoolean(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new DataFormatException("field \"" + field + "\" should be true or false, is " + e);
    }
    return e.getAsBoolean();
  }

  static List<String> strings(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    List<String> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    if (!e.isJsonArray()) {
      throw new DataFormatException("field \"" + field + "\" should be an array, is " + e);
    }
    for (JsonElement x : e.getAsJsonArray()) {
      if (x != null && !x.isJsonNull()) {
        out.add(x.isJsonPrimitive() ? x.getAsString() : x.toString());
      }
    }
    return out;
  }

  static JsonArray array(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    if (e == null) {
      return new JsonArray();
    }
    if (!e.isJsonArray()) {
      throw new DataFormatException("field \"" + field + "\" should be an array, is " + e);
    }
    return e.getAsJsonArray();
  }

  static @Nullable JsonObject optObject(JsonObject o, String field) {
    JsonElement e = opt(o, field);
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new DataFormatException("field \"" + field + "\" should be an object, is " + e);
    }
    return e.getAsJsonObject();
  }
}

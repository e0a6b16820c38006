using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupPay.BotHost.Storage;

/// <summary>Records are kept as JSON beside a few indexed fields, so every store (LiteDB, PostgreSQL) maps them the same way.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"Stored {typeof(T).Name} is empty.");
}

using System.Globalization;
using System.Text.Json;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Directory;
using Castellan.Protocols.Acme.Messages;
using Castellan.Validation.Contracts;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>The ACME resource objects (RFC 8555 §7.1.2-7.1.5) as JSON, and the response envelope around them.</summary>
internal static class AcmeResponses
{
    // RFC 8555 §7.1: optional fields are absent, not null; clients parse "error": null as an error object (certbot's
    // josepy fails with a TypeError). WhenWritingNull covers properties only, so dictionaries get their own converter.
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new WithoutNullsConverter() },
    };

    public static IResult Object(object body, int status = 200, string? location = null, string? up = null, int? retryAfter = null) =>
        new JsonResult(body, status, location, up, retryAfter);

    public static Dictionary<string, object?> Account(AcmeUrls urls, AcmeAccount a) => new()
    {
        ["status"] = a.Status,
        ["contact"] = a.Contact,
        ["termsOfServiceAgreed"] = a.TermsOfServiceAgreed ? true : null,
        ["orders"] = urls.Orders(a.Directory, a.Id),
        ["externalAccountBinding"] = a.EabKeyId is null ? null : new { keyId = a.EabKeyId },
    };

    public static Dictionary<string, object?> Order(AcmeUrls urls, AcmeOrder o, DateTimeOffset now) => new()
    {
        ["status"] = EffectiveStatus(o, now),
        ["expires"] = Time(o.Expires),
        ["identifiers"] = o.Identifiers.Select(Identifier).ToList(),
        ["notBefore"] = o.NotBefore is { } nb ? Time(nb) : null,
        ["notAfter"] = o.NotAfter is { } na ? Time(na) : null,
        ["profile"] = o.Profile,
        ["replaces"] = o.Replaces,
        ["error"] = o.Error is null ? null : JsonDocument.Parse(o.Error).RootElement,
        ["authorizations"] = o.AuthorizationIds.Select(id => urls.Authorization(o.Directory, id)).ToList(),
        ["finalize"] = urls.Finalize(o.Directory, o.Id),
        ["certificate"] = o.CertificateChain is null ? null : urls.Certificate(o.Directory, o.Id),
    };

    /// <summary>RFC 8555 §7.1.6: a pending or ready order past its expiry is invalid, even before anything rewrites it.</summary>
    public static string EffectiveStatus(AcmeOrder o, DateTimeOffset now) =>
        o.Status is AcmeStatus.Pending or AcmeStatus.Ready && now > o.Expires ? AcmeStatus.Invalid : o.Status;

    public static string EffectiveStatus(AcmeAuthorization a, DateTimeOffset now) =>
        a.Status == AcmeStatus.Pending && now > a.Expires ? "expired" : a.Status;

    public static Dictionary<string, object?> Authorization(AcmeUrls urls, string dir, AcmeAuthorization a, DateTimeOffset now) => new()
    {
        ["status"] = EffectiveStatus(a, now),
        ["expires"] = Time(a.Expires),
        ["identifier"] = Identifier(new Identifier(a.Identifier.Type, a.Identifier.BaseName)),
        ["wildcard"] = a.Identifier.IsWildcard ? true : null,
        ["challenges"] = a.ChallengeTypes.Select(t => Challenge(urls, dir, a, t)).ToList(),
    };

    public static Dictionary<string, object?> Challenge(AcmeUrls urls, string dir, AcmeAuthorization a, string type)
    {
        // A reused authorization attempted no challenge; the challenge of the reused proof's method shows as valid (§7.1.4).
        var attempted = a.AttemptedChallenge == type
            || (a.AttemptedChallenge is null && a.ValidatedBy is { } by && ValidationMethodLabels.Of(by) == type);
        var status = a.ProcessingChallenge == type ? AcmeStatus.Processing
            : attempted ? (a.Status == AcmeStatus.Valid ? AcmeStatus.Valid : AcmeStatus.Invalid)
            : AcmeStatus.Pending;
        return new()
        {
            ["type"] = type,
            ["url"] = urls.Challenge(dir, a.Id, type),
            ["status"] = status,
            ["token"] = a.Token,
            ["validated"] = attempted && a.ValidatedAt is { } v && a.Status == AcmeStatus.Valid ? Time(v) : null,
            ["error"] = attempted && a.Error is not null ? JsonDocument.Parse(a.Error).RootElement : null,
        };
    }

    public static object Identifier(Identifier i) => new { type = AcmeIdentifiers.TypeName(i), value = i.Value };

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class JsonResult(object body, int status, string? location, string? up, int? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            if (location is not null) http.Response.Headers.Location = location;
            if (up is not null) http.Response.Headers.Append("Link", $"<{up}>;rel=\"up\"");
            if (retryAfter is { } s) http.Response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
            // UTF-8 straight from the serializer, with its length: no string to transcode, no chunked framing.
            var utf8 = JsonSerializer.SerializeToUtf8Bytes(body, Json);
            http.Response.ContentLength = utf8.Length;
            return http.Response.Body.WriteAsync(utf8, http.RequestAborted).AsTask();
        }
    }

    /// <summary>Writes a resource dictionary without its null members (see <see cref="Json"/>).</summary>
    private sealed class WithoutNullsConverter : System.Text.Json.Serialization.JsonConverter<Dictionary<string, object?>>
    {
        public override Dictionary<string, object?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("ACME resources are only written");

        public override void Write(Utf8JsonWriter writer, Dictionary<string, object?> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, member) in value)
            {
                if (member is null) continue;
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, member, member.GetType(), options);
            }
            writer.WriteEndObject();
        }
    }
}

using Castellan.Validation.Contracts;
using Castellan.Validation.Perspectives;

namespace Castellan.Validation.Dns01;

/// <summary>
/// The DNS change methods from one perspective (BR 3.2.2.4.7). ACME dns-01 (RFC 8555 §8.4): a TXT record at
/// _acme-challenge.NAME equals base64url(SHA-256(key authorization)). The RA's DnsTxt: a TXT record at _validation.NAME,
/// or at NAME itself, contains the random value. A wildcard is proven on its base name.
/// </summary>
internal static class TxtChecker
{
    public static async Task<Result<string>> CheckAsync(ValidationRequest request, Perspective perspective, CancellationToken ct)
    {
        var id = request.Identifier;
        if (id.Type != IdentifierType.Dns) return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "DNS methods validate DNS names only");
        var names = request.Method == ValidationMethod.Dns01 ? ["_acme-challenge." + id.BaseName] : new[] { "_validation." + id.BaseName, id.BaseName };
        var seen = new List<string>();
        foreach (var name in names)
        {
            var txt = await perspective.Dns.TxtAsync(name, ct);
            if (txt.IsError) return new ValidationFailed(id, ValidationFailureKind.Dns, ((ValidationFailed)txt.Error).Detail);
            var match = request.Method == ValidationMethod.Dns01
                ? txt.Value.Any(v => v == request.ExpectedValue)
                : txt.Value.Any(v => v.Contains(request.ExpectedValue, StringComparison.Ordinal));
            if (match) return $"TXT {name} via {perspective.Dns.Describe} holds the expected value";
            seen.Add($"{name}: {txt.Value.Count} TXT record(s)");
        }
        return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse,
            $"no TXT record with the expected value ({string.Join(", ", seen)})");
    }
}

using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Profiles;

/// <summary>Finds profiles: built-ins first, then the operator's own from the store.</summary>
public sealed class ProfileCatalog(IProfileStore store, IAuditLog audit)
{
    public async Task<Result<CertificateProfile>> FindAsync(string? id, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id)) return new MalformedInput("a profile is required");
        var builtIn = BuiltInProfiles.All.FirstOrDefault(p => p.Id == id);
        if (builtIn is not null) return builtIn;
        var custom = await store.GetCustomAsync(id, ct);
        return custom is null ? new NotFound("profile", $"profile '{id}' does not exist") : custom;
    }

    public async Task<IReadOnlyList<CertificateProfile>> ListAsync(CancellationToken ct) =>
        [.. BuiltInProfiles.All, .. await store.ListCustomAsync(ct)];

    /// <summary>Adds an operator profile after checking it cannot produce what the linter would refuse anyway.</summary>
    public async Task<Result<CertificateProfile>> AddAsync(CertificateProfile profile, string actor, CancellationToken ct)
    {
        if (profile.Id is not null && BuiltInProfiles.All.Any(p => p.Id == profile.Id)) return new Conflict($"profile '{profile.Id}' is built in");
        if (CustomProfileRules.Check(profile) is { } invalid) return invalid;
        var maxDays = profile.Trust == TrustStyle.PublicTls ? 200 : 5 * 366;
        if (profile.MaxValidityDays < 1 || profile.MaxValidityDays > maxDays)
            return new PolicyViolation("profile.validity", $"maximum validity must be between 1 and {maxDays} days");
        if (profile.MinRsaBits < 2048) return new PolicyViolation("key.strength", "RSA keys below 2048 bits are not allowed");
        var custom = profile with { BuiltIn = false };
        if (!await store.AddCustomAsync(custom, ct)) return new Conflict($"profile '{profile.Id}' already exists");
        // A new profile changes what the CA will sign: a configuration change, audited with the whole profile.
        await audit.AppendAsync(new AuditEvent(actor, "profile.created", $"profile:{custom.Id}", JsonSerializer.Serialize(custom)), CancellationToken.None);
        return custom;
    }
}

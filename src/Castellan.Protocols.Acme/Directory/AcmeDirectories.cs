using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Directory;

/// <summary>One profile of a directory, resolved: the product and lifetime it issues.</summary>
internal sealed record AcmeProfile(string Name, string Description, string ProductId, int? ValidityDays, bool AllowValidityRequest);

/// <summary>A directory as served: its name is the path segment of its resources ("default" for /acme/directory).</summary>
internal sealed record AcmeDirectory(string Name, string ProductId, bool RequireExternalAccountBinding, IReadOnlyList<AcmeProfile> Profiles)
{
    public AcmeProfile DefaultProfile => Profiles[0];

    public AcmeProfile? Profile(string? name) => name is null ? DefaultProfile : Profiles.FirstOrDefault(p => p.Name == name);
}

/// <summary>The configured directories, resolved once at start.</summary>
internal sealed class AcmeDirectories
{
    public const string DefaultName = "default";

    private readonly Dictionary<string, AcmeDirectory> _all = new(StringComparer.Ordinal);

    public AcmeDirectories(IOptions<AcmeOptions> options)
    {
        var o = options.Value;
        _all[DefaultName] = Resolve(DefaultName, o.ProductId, o.RequireExternalAccountBinding, o.Profiles);
        foreach (var (name, d) in o.Directories)
        {
            if (name is DefaultName or "directory" || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                throw new InvalidOperationException($"Castellan:Acme:Directories: '{name}' is not a usable directory name (lower-case letters, digits, '-'; not 'default')");
            if (string.IsNullOrWhiteSpace(d.ProductId)) throw new InvalidOperationException($"Castellan:Acme:Directories:{name}:ProductId is required");
            _all[name] = Resolve(name, d.ProductId, d.RequireExternalAccountBinding, d.Profiles);
        }
    }

    public AcmeDirectory? Find(string name) => _all.GetValueOrDefault(name);

    /// <summary>Every directory, the default first, then the configured ones by name.</summary>
    public IEnumerable<AcmeDirectory> All => _all.Values.OrderBy(d => d.Name == DefaultName ? 0 : 1).ThenBy(d => d.Name, StringComparer.Ordinal);

    private static AcmeDirectory Resolve(string name, string productId, bool eab, Dictionary<string, AcmeProfileOptions> profiles)
    {
        var list = profiles.Count == 0
            ? new List<AcmeProfile>
            {
                new("classic", "The product's full certificate lifetime", productId, null, false),
                new("shortlived", "Seven-day certificates, for clients that renew automatically", productId, 7, false),
            }
            : profiles.Select(p => new AcmeProfile(p.Key, p.Value.Description, p.Value.ProductId ?? productId, p.Value.ValidityDays, p.Value.AllowValidityRequest)).ToList();
        return new AcmeDirectory(name, productId, eab, list);
    }
}

using Castellan.Authority.Contracts;

namespace Castellan.Authority.KeyStores;

/// <summary>Options bound from <c>Castellan:KeyStore</c>.</summary>
public sealed class KeyStoreOptions
{
    /// <summary>"software" (default) or "pkcs11": where new CA keys are generated.</summary>
    public string Backend { get; set; } = "software";
}

/// <summary>
/// Routes every key operation to the store that holds the key. New keys go to the configured backend;
/// existing keys stay where they were made, so switching backends does not orphan older CAs.
/// </summary>
public sealed class KeyCustody(IEnumerable<ISigningKeyStore> stores, Microsoft.Extensions.Options.IOptions<KeyStoreOptions> options)
{
    private readonly Dictionary<string, ISigningKeyStore> _stores = stores.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public string DefaultBackend => options.Value.Backend;

    public Task<KeyReference> GenerateAsync(KeyAlgorithm algorithm, string label, CancellationToken ct) =>
        Store(options.Value.Backend).GenerateAsync(algorithm, label, ct);

    public CaSigningKey Open(KeyReference reference, KeyAlgorithm algorithm) => Store(reference.Store).Open(reference, algorithm);

    private ISigningKeyStore Store(string name) =>
        _stores.TryGetValue(name, out var store)
            ? store
            : throw new InvalidOperationException($"key store '{name}' is not configured (known: {string.Join(", ", _stores.Keys)})");
}

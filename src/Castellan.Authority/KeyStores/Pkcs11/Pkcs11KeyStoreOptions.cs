using Microsoft.Extensions.Options;

namespace Castellan.Authority.KeyStores.Pkcs11;

/// <summary>Options bound from <c>Castellan:KeyStore:Pkcs11</c>: which module, which token, and the user PIN.</summary>
public sealed class Pkcs11KeyStoreOptions
{
    /// <summary>The vendor's PKCS#11 module (a shared library). SoftHSM2 on Debian by default.</summary>
    public string ModulePath { get; set; } = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The token's CKA label (as <c>pkcs11-tool --list-slots</c> shows it). Either this or <see cref="SlotId"/>.</summary>
    public string? TokenLabel { get; set; }

    /// <summary>Optional slot id; when set with <see cref="TokenLabel"/>, both must match.</summary>
    public ulong? SlotId { get; set; }

    /// <summary>
    /// The CKU_USER PIN. Supply it from the environment (<c>Castellan__KeyStore__Pkcs11__Pin</c>) or a file
    /// (<see cref="PinFile"/>), never from appsettings. It is never logged.
    /// </summary>
    public string? Pin { get; set; }

    /// <summary>A file holding the PIN (trailing newline ignored), e.g. a mounted secret.</summary>
    public string? PinFile { get; set; }

    /// <summary>
    /// Most sessions open at once. Each session runs one operation at a time, so this bounds concurrent signatures;
    /// further callers wait for a free session.
    /// </summary>
    public int MaxSessions { get; set; } = 8;

    public bool HasToken => !string.IsNullOrWhiteSpace(TokenLabel) || SlotId.HasValue;
}

/// <summary>Fails the start when the PKCS#11 backend is selected but not configured, rather than at the first signature.</summary>
internal sealed class Pkcs11KeyStoreOptionsValidator(IOptions<KeyStoreOptions> keyStore) : IValidateOptions<Pkcs11KeyStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, Pkcs11KeyStoreOptions options)
    {
        var failures = new List<string>();
        if (options.MaxSessions is < 1 or > 1024) failures.Add("Castellan:KeyStore:Pkcs11:MaxSessions must be between 1 and 1024");
        if (string.Equals(keyStore.Value.Backend, Pkcs11KeyStore.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.ModulePath)) failures.Add("Castellan:KeyStore:Pkcs11:ModulePath is required");
            if (!options.HasToken) failures.Add("Castellan:KeyStore:Pkcs11:TokenLabel (or SlotId) is required when Castellan:KeyStore:Backend is pkcs11");
            if (string.IsNullOrEmpty(options.Pin) && string.IsNullOrEmpty(options.PinFile))
                failures.Add("the token PIN is required: set Castellan__KeyStore__Pkcs11__Pin in the environment or Castellan:KeyStore:Pkcs11:PinFile");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

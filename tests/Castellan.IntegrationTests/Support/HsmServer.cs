using Castellan.Testing;

namespace Castellan.IntegrationTests.Support;

/// <summary>
/// A Castellan server whose CA keys are generated and used in this process's SoftHSM2 token
/// (<c>Castellan:KeyStore:Backend=pkcs11</c>). The PIN arrives the way production should supply it: from the environment.
/// </summary>
public class HsmServer : CastellanServer
{
    public HsmServer()
    {
        // The token (and SOFTHSM2_CONF) must exist before the server's first PKCS#11 call initialises the module.
        _ = SoftHsm.Shared;
        Environment.SetEnvironmentVariable("Castellan__KeyStore__Pkcs11__Pin", SoftHsm.UserPin);
    }

    public override string StorageName => "sqlite";

    protected override Task<IReadOnlyList<string>> StorageArgumentsAsync() => Task.FromResult<IReadOnlyList<string>>(["--Castellan:Storage:Provider", "sqlite"]);

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        "--Castellan:KeyStore:Backend", "pkcs11",
        "--Castellan:KeyStore:Pkcs11:ModulePath", SoftHsm.ModulePath,
        "--Castellan:KeyStore:Pkcs11:TokenLabel", SoftHsm.Shared.TokenLabel,
        .. AlgorithmArguments,
    ];

    /// <summary>Key algorithms of the root and issuing CA; the defaults (P-384 root, P-256 issuing) unless overridden.</summary>
    protected virtual IReadOnlyList<string> AlgorithmArguments => [];
}

/// <summary>The same with an RSA-3072 root and an RSA-2048 issuing CA, both in the token.</summary>
public sealed class RsaHsmServer : HsmServer
{
    protected override IReadOnlyList<string> AlgorithmArguments =>
        ["--Castellan:Authority:RootKeyAlgorithm", "rsa-3072", "--Castellan:Authority:IssuingKeyAlgorithm", "rsa-2048"];
}

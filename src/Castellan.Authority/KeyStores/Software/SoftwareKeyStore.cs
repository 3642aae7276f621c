using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.KeyStores.Software;

/// <summary>Options bound from <c>Castellan:KeyStore:Software</c>.</summary>
public sealed class SoftwareKeyStoreOptions
{
    /// <summary>Folder of the encrypted key files; defaults to DATA/keys.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// The key-encryption secret. Supply it from the environment (Castellan__KeyStore__Software__Secret) or a file
    /// (<see cref="SecretFile"/>); never from appsettings. When neither is set, a random secret is created in a 0600 file.
    /// </summary>
    public string? Secret { get; set; }

    public string? SecretFile { get; set; }

    /// <summary>PBKDF2 rounds for the PKCS#8 PBES2 wrapping; keys are decrypted once per process, so this can be high.</summary>
    public int Iterations { get; set; } = 200_000;
}

/// <summary>
/// CA keys as encrypted PKCS#8 (PBES2, AES-256-CBC, PBKDF2-SHA256) files. Plaintext key material exists only in
/// process memory; files are written with owner-only permissions and never overwritten.
/// </summary>
public sealed class SoftwareKeyStore : ISigningKeyStore
{
    private readonly string _directory;
    private readonly Lazy<string> _secret;
    private readonly int _iterations;
    private readonly ConcurrentDictionary<string, CaSigningKey> _open = new();

    public SoftwareKeyStore(IOptions<SoftwareKeyStoreOptions> options, DataDirectory data, ILogger<SoftwareKeyStore> log)
    {
        var o = options.Value;
        _directory = o.Directory ?? Path.Combine(data.Path, "keys");
        _iterations = o.Iterations;
        // The secret is read (or created) on first use, so an installation whose keys all live in an HSM never has one.
        _secret = new Lazy<string>(() => LoadSecret(o, data, log));
    }

    private static string LoadSecret(SoftwareKeyStoreOptions o, DataDirectory data, ILogger log)
    {
        string secret;
        if (!string.IsNullOrEmpty(o.Secret))
        {
            secret = o.Secret;
        }
        else
        {
            var file = o.SecretFile ?? Path.Combine(data.Path, "keystore.secret");
            if (!File.Exists(file))
            {
                WriteOwnerOnly(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                log.LogWarning("Generated a key-encryption secret in {File}; for production supply Castellan:KeyStore:Software:Secret from a secret store or use an HSM", file);
            }
            secret = File.ReadAllText(file).Trim();
        }
        if (secret.Length < 16) throw new InvalidOperationException("the key-encryption secret must be at least 16 characters");
        return secret;
    }

    private string Secret
    {
        get
        {
            System.IO.Directory.CreateDirectory(_directory);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return _secret.Value;
        }
    }

    public string Name => "software";

    public Task<KeyReference> GenerateAsync(KeyAlgorithm algorithm, string label, CancellationToken ct)
    {
        var handle = $"{Sanitize(label)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.p8";
        using AsymmetricAlgorithm key = algorithm.IsEc() ? ECDsa.Create(algorithm.Curve()) : RSA.Create(algorithm.RsaBits());
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, _iterations);
        var pem = PemEncoding.WriteString("ENCRYPTED PRIVATE KEY", key.ExportEncryptedPkcs8PrivateKey(Secret, pbe));
        WriteOwnerOnly(Path.Combine(_directory, handle), pem);
        return Task.FromResult(new KeyReference(Name, handle));
    }

    public CaSigningKey Open(KeyReference reference, KeyAlgorithm algorithm) =>
        _open.GetOrAdd(reference.Handle, handle =>
        {
            var path = Path.Combine(_directory, Path.GetFileName(handle));
            var pem = File.ReadAllText(path);
            if (algorithm.IsEc())
            {
                var ec = ECDsa.Create();
                ec.ImportFromEncryptedPem(pem, Secret);
                // RFC 6979 k where libcrypto allows it; the native signer holds its own copy of the key.
                var deterministic = DeterministicEcdsa.TryCreate(ec);
                if (deterministic is null) return new CaSigningKey(algorithm, X509SignatureGenerator.CreateForECDsa(ec), signsDeterministically: false);
                ec.Dispose();
                return new CaSigningKey(algorithm, deterministic, signsDeterministically: true);
            }
            var rsa = RSA.Create();
            rsa.ImportFromEncryptedPem(pem, Secret);
            // RSASSA-PKCS1-v1_5 has no randomness (RFC 8017 section 8.2.1).
            return new CaSigningKey(algorithm, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1), signsDeterministically: true);
        });

    private static string Sanitize(string label) =>
        new(label.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(40).ToArray());

    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
    }
}

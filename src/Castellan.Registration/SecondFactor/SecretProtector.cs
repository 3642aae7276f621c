using System.Security.Cryptography;
using System.Text;
using Castellan.Authority;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.SecondFactor;

/// <summary>
/// Encrypts TOTP secrets at rest with AES-256-GCM, bound to the login (associated data), under a key kept outside the
/// database: a database dump alone does not give anyone's second factor.
/// </summary>
public sealed class SecretProtector
{
    private readonly byte[] _key;

    public SecretProtector(IOptions<RegistrationOptions> options, DataDirectory data)
    {
        _key = options.Value.SecondFactorKey is { Length: > 0 } configured ? Convert.FromBase64String(configured) : LoadOrCreate(Path.Combine(data.Path, "second-factor.key"));
        if (_key.Length != 32) throw new InvalidOperationException("Castellan:Registration:SecondFactorKey must be 32 bytes in base64");
    }

    public string Protect(string userId, byte[] secret)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[secret.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, secret, cipher, tag, Encoding.UTF8.GetBytes(userId));
        return "v1." + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    public byte[] Unprotect(string userId, string protectedSecret)
    {
        if (!protectedSecret.StartsWith("v1.", StringComparison.Ordinal)) throw new CryptographicException("unknown protected secret format");
        var all = Convert.FromBase64String(protectedSecret[3..]);
        var plain = new byte[all.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(all.AsSpan(0, 12), all.AsSpan(12, plain.Length), all.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes(userId));
        return plain;
    }

    private static byte[] LoadOrCreate(string file)
    {
        if (File.Exists(file)) return File.ReadAllBytes(file);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var mode = OperatingSystem.IsWindows() ? default : UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = OperatingSystem.IsWindows()
                ? new FileStream(file, FileMode.CreateNew, FileAccess.Write)
                : new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            stream.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(file))
        {
            return File.ReadAllBytes(file); // another process created it first
        }
    }
}

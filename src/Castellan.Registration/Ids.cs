using System.Security.Cryptography;

namespace Castellan.Registration;

/// <summary>Opaque random identifiers and secrets (base64url, no padding): unguessable, so ids leak nothing about volume.</summary>
internal static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(12))}";

    public static string Secret(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Security.Cryptography;
using System.Text;

namespace Castellan.Validation.Contracts;

/// <summary>BR 1.6.1 "Random Value": at least 112 bits of entropy; we draw 128 bits from the CSPRNG.</summary>
public static class RandomValues
{
    /// <summary>128 random bits as 26 lower-case base32 characters: safe in a TXT record, a file name and an email.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder(26);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5) { text.Append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5; }
        }
        if (bits > 0) text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    /// <summary>What is stored for a value: its SHA-256, hex.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value.Trim())));
}

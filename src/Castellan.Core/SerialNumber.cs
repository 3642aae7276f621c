using System.Security.Cryptography;

namespace Castellan;

/// <summary>
/// A certificate serial number as the big-endian octets of a positive INTEGER.
/// RFC 5280 4.1.2.2: positive, at most 20 octets; CA/B Forum BR 7.1: at least 64 bits of CSPRNG output.
/// We draw 128 bits and clear the top bit so the DER INTEGER needs no leading zero and stays 16 octets.
/// </summary>
public readonly record struct SerialNumber
{
    private readonly string _hex;

    private SerialNumber(string hex) => _hex = hex;

    /// <summary>Lower-case hexadecimal without separators or leading zero octets; the form used in URLs and the API.</summary>
    public string Hex => _hex ?? "";

    public static SerialNumber NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] &= 0x7F;
        bytes[0] |= 0x40; // keep the full 16-octet length, so serials sort and compare by length consistently
        return FromBytes(bytes);
    }

    public static SerialNumber FromBytes(ReadOnlySpan<byte> bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0) start++;
        return new SerialNumber(Convert.ToHexStringLower(bigEndian[start..]));
    }

    /// <summary>Parses hex with optional colons or spaces, any case. Returns false for anything else.</summary>
    public static bool TryParse(string? text, out SerialNumber serial)
    {
        serial = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var clean = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
        if (clean.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) clean = clean[2..];
        if (clean.Length == 0 || clean.Length > 42) return false;
        if (clean.Length % 2 == 1) clean = "0" + clean;
        try
        {
            var bytes = Convert.FromHexString(clean);
            serial = FromBytes(bytes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Parses a serial that is known to be well formed (from storage); throws otherwise.</summary>
    public static SerialNumber Parse(string text) =>
        TryParse(text, out var serial) ? serial : throw new FormatException($"'{text}' is not a serial number");

    public byte[] ToBytes() => Convert.FromHexString(Hex);

    public override string ToString() => Hex;
}

using System.Runtime.InteropServices;

namespace Castellan.Authority;

/// <summary>
/// What the native libcrypto 3 paths here share (<c>Issuance/EcCsrSignature</c>, which verifies CSRs, and
/// <c>KeyStores/Software/DeterministicEcdsa</c>, which signs): the library's name, the named curves they handle, and
/// the EC_KEY entry points both call. Each path declares the rest of what it calls itself.
/// </summary>
internal static class LibCrypto
{
    public const string Name = "libcrypto.so.3";

    /// <summary>OpenSSL's NID (obj_mac.h) of P-256, P-384 or P-521 by its OID, and the length of its uncompressed
    /// point (1 + 2 × field bytes); (0, 0) for any other curve.</summary>
    public static (int Nid, int UncompressedPointLength) Curve(string? oid) => oid switch
    {
        "1.2.840.10045.3.1.7" => (415, 65),
        "1.3.132.0.34" => (715, 97),
        "1.3.132.0.35" => (716, 133),
        _ => (0, 0),
    };

    [DllImport(Name)]
    public static extern IntPtr EC_KEY_new_by_curve_name(int nid);

    [DllImport(Name)]
    public static extern int EC_KEY_oct2key(IntPtr key, byte[] buffer, nuint length, IntPtr context);

    [DllImport(Name)]
    public static extern void EC_KEY_free(IntPtr key);

    [DllImport(Name)]
    public static extern void ERR_clear_error();
}

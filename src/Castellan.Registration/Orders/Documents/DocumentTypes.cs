namespace Castellan.Registration.Orders.Documents;

/// <summary>
/// The document types the RA accepts, recognised by their magic bytes only (ISO 32000 "%PDF-", PNG's 8-byte
/// signature, JPEG's SOI marker followed by a marker byte). What the uploader claims (Content-Type, extension) is
/// compared against this and a disagreement refuses the upload; downloads are served with the sniffed type only.
/// </summary>
public static class DocumentTypes
{
    private static readonly (string ContentType, string Extension, byte[] Magic)[] Known =
    [
        ("application/pdf", ".pdf", "%PDF-"u8.ToArray()),
        ("image/png", ".png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/jpeg", ".jpg", [0xFF, 0xD8, 0xFF]),
    ];

    /// <summary>The content type the bytes are, or null when they are none of PDF, PNG or JPEG.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        foreach (var (type, _, magic) in Known)
            if (content.StartsWith(magic)) return type;
        return null;
    }

    public static string Extension(string contentType) => Known.First(k => k.ContentType == contentType).Extension;

    /// <summary>The content type an extension claims, or null for an extension we do not know.</summary>
    public static string? ClaimedBy(string extension) => extension.ToLowerInvariant() switch
    {
        ".pdf" => "application/pdf",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        _ => null,
    };
}

using Castellan.Registration.Orders.Documents;

namespace Castellan.Registration.Tests.Orders;

public class DocumentRulesTests
{
    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, null)] // a truncated PNG signature is not a PNG
    [InlineData(new byte[] { 0x3C, 0x68, 0x74, 0x6D, 0x6C }, null)] // <html
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, null)] // a ZIP (or an Office file)
    public void Sniff_recognises_only_the_magic_bytes_of_PDF_PNG_and_JPEG(byte[] content, string? expected) =>
        Assert.Equal(expected, DocumentTypes.Sniff(content));

    [Theory]
    [InlineData("passport.pdf", "application/pdf", "passport.pdf")]
    [InlineData("Scan 2026-01.PDF", "application/pdf", "Scan 2026-01.pdf")]
    [InlineData("photo.jpeg", "image/jpeg", "photo.jpg")]
    [InlineData("ïd <card>", "image/png", "_d _card_.png")]
    [InlineData("noextension", "application/pdf", "noextension.pdf")]
    [InlineData("report.exe", "application/pdf", "report.pdf")] // an unknown extension gives way to the sniffed one
    public void FileName_keeps_a_plain_name_and_ends_it_in_the_sniffed_type(string given, string type, string expected) =>
        Assert.Equal(expected, OrderDocuments.FileName(given, type).Value);

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("..\\windows\\win.ini")]
    [InlineData("a/b.pdf")]
    [InlineData("C:evil.pdf")]
    [InlineData(".htaccess")]
    [InlineData("tab\tname.pdf")]
    [InlineData("")]
    public void FileName_refuses_paths_and_hidden_or_control_names(string given) =>
        Assert.IsType<MalformedInput>(OrderDocuments.FileName(given, "application/pdf").Error);

    [Fact]
    public void FileName_refuses_an_extension_that_claims_another_type() =>
        Assert.IsType<UnsupportedDocumentType>(OrderDocuments.FileName("photo.png", "application/pdf").Error);

    [Fact]
    public void FileName_is_cut_to_the_limit_and_keeps_its_extension()
    {
        var name = OrderDocuments.FileName(new string('a', 200) + ".pdf", "application/pdf").Value;
        Assert.Equal(OrderDocuments.MaxNameLength, name.Length);
        Assert.EndsWith(".pdf", name, StringComparison.Ordinal);
    }
}

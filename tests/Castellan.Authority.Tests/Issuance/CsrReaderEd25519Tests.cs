using Castellan.Authority.Issuance;

namespace Castellan.Authority.Tests.Issuance;

public class CsrReaderEd25519Tests
{
    private const string Ed25519Csr = """
-----BEGIN CERTIFICATE REQUEST-----
MIHIMHwCAQAwGzEZMBcGA1UEAwwQZWRnZS5leGFtcGxlLm5ldDAqMAUGAytlcAMh
AB5xDizfq6KmserrtqDFCKEr3JewxwSjK94i9il/0lBNoC4wLAYJKoZIhvcNAQkO
MR8wHTAbBgNVHREEFDASghBlZGdlLmV4YW1wbGUubmV0MAUGAytlcANBAGyeU65j
zQLAo4ammgRf4ALrFO7xXDK+SQ3at7sdXwBN91AB4D7xdoYmb1V3lKLwtKr1BpXz
XV5FpllnrZHspA0=
-----END CERTIFICATE REQUEST-----
""";

    [Fact]
    public void Read_Ed25519_csr_verifies_and_reads_sans()
    {
        var result = CsrReader.Read(Ed25519Csr);
        Assert.False(result.IsError, result.Error?.Detail);
        Assert.Equal("Ed25519", result.Value.Key.Type);
        Assert.Contains(result.Value.RequestedSans, s => s.Value == "edge.example.net");
    }
}

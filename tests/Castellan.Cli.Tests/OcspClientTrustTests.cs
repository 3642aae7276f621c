using Castellan.Cli.Tests.Support;
using static Castellan.Cli.Tests.Support.CannedOcspResponder;

namespace Castellan.Cli.Tests;

/// <summary>
/// <c>castellan ocsp check</c> against a responder we control: it believes only answers signed by the CA or by a
/// responder the CA issued with id-kp-OCSPSigning (RFC 6960 4.2.2.2), echoing our nonce (RFC 8954).
/// </summary>
public sealed class OcspClientTrustTests
{
    [Theory]
    [InlineData(Signing.ByIssuer, 0, "good")]
    [InlineData(Signing.ByDelegatedResponder, 0, "good")]
    [InlineData(Signing.ByOtherKeyClaimingIssuer, 1, "castellan: error: the OCSP response signature does not verify")]
    [InlineData(Signing.ByResponderNotIssuedByCa, 1, "castellan: error: the responder certificate 'CN=Canned Responder' was not issued by the certificate's CA")]
    [InlineData(Signing.ByResponderWithoutOcspSigning, 1, "castellan: error: the responder certificate 'CN=Canned Responder' lacks id-kp-OCSPSigning")]
    [InlineData(Signing.WithWrongNonce, 1, "castellan: error: the response carries a different nonce (replayed?)")]
    public async Task Ocsp_check_trusts_only_answers_the_ca_stands_behind(Signing signing, int exitCode, string expected)
    {
        await using var responder = new CannedOcspResponder(TestPaths.NewDirectory("canned-ocsp"), signing);

        var result = await CastellanCli.RunAsync("ocsp", "check", "--cert", responder.LeafPem, "--issuer", responder.IssuerPem, "--url", responder.Url);

        Assert.True(exitCode == result.ExitCode, $"wanted exit {exitCode}, got {result.ExitCode}: {result.All}");
        Assert.StartsWith(expected, exitCode == 0 ? result.StdOut : result.StdErr.TrimEnd());
    }
}

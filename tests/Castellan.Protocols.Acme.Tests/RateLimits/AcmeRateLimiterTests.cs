using Castellan.Protocols.Acme.Problems;
using Castellan.Protocols.Acme.RateLimits;
using Castellan.Validation;
using Castellan.Validation.PublicSuffix;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Tests.RateLimits;

/// <summary>Certificates per registered domain, counted by the Public Suffix List (Debian's file).</summary>
public sealed class AcmeRateLimiterTests
{
    private static AcmeRateLimiter Limiter(string pslPath)
    {
        var acme = new AcmeOptions();
        acme.RateLimits.CertificatesPerRegisteredDomain = new RateLimit { Limit = 1, Window = TimeSpan.FromHours(1) };
        var domains = new RegisteredDomains(Options.Create(new ValidationOptions { PublicSuffixList = pslPath }), NullLogger<RegisteredDomains>.Instance);
        return new AcmeRateLimiter(Options.Create(acme), TimeProvider.System, domains);
    }

    [Fact]
    public void Names_under_one_registered_domain_below_an_ICANN_suffix_share_one_limit()
    {
        var limiter = Limiter("/usr/share/publicsuffix/public_suffix_list.dat");
        Assert.Null(limiter.Certificate(["a.b.example.co.uk"]));
        var refused = Assert.IsType<RateLimited>(limiter.Certificate(["c.example.co.uk"]));
        Assert.Contains("example.co.uk", refused.Detail);
        Assert.Null(limiter.Certificate(["other.co.uk"]));
    }

    [Fact]
    public void Names_under_a_private_suffix_are_separate_registered_domains()
    {
        var limiter = Limiter("/usr/share/publicsuffix/public_suffix_list.dat");
        Assert.Null(limiter.Certificate(["x.github.io"]));
        Assert.Null(limiter.Certificate(["y.github.io"]));
        Assert.IsType<RateLimited>(limiter.Certificate(["www.x.github.io"]));
    }

    [Fact]
    public void Without_the_list_the_last_two_labels_count()
    {
        var limiter = Limiter(Path.Combine(Path.GetTempPath(), "no-such-psl-" + Guid.NewGuid().ToString("N")));
        Assert.Null(limiter.Certificate(["x.github.io"]));
        Assert.IsType<RateLimited>(limiter.Certificate(["y.github.io"]));
    }
}

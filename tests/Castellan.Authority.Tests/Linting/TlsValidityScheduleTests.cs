using System.Globalization;
using Castellan.Authority.Linting.CabfBr;
using Castellan.Authority.Profiles;

namespace Castellan.Authority.Tests.Linting;

/// <summary>Ballot SC-081v3: 398 days before 2026-03-15, then 200, 100 from 2027-03-15, 47 from 2029-03-15.</summary>
public class TlsValidityScheduleTests
{
    // A public TLS profile whose own maximum never gets in the way, so only the BR schedule decides.
    private static readonly Contracts.CertificateProfile Tls = BuiltInProfiles.TlsServer with { MaxValidityDays = 500 };

    [Theory]
    [InlineData("2025-06-01T00:00:00Z", 398)]
    [InlineData("2026-03-14T23:59:59Z", 398)]
    [InlineData("2026-03-15T00:00:00Z", 200)]
    [InlineData("2026-11-22T12:00:00Z", 200)]
    [InlineData("2027-03-14T23:59:59Z", 200)]
    [InlineData("2027-03-15T00:00:00Z", 100)]
    [InlineData("2029-03-14T23:59:59Z", 100)]
    [InlineData("2029-03-15T00:00:00Z", 47)]
    [InlineData("2035-01-01T00:00:00Z", 47)]
    public void MaxDaysOn_follows_the_schedule(string notBefore, int maxDays) =>
        Assert.Equal(maxDays, TlsValidityScheduleRule.MaxDaysOn(DateTimeOffset.Parse(notBefore, CultureInfo.InvariantCulture)));

    /// <summary>The clock is set a day after each boundary (notBefore is backdated a minute, which must not cross it).</summary>
    [Theory]
    [InlineData("2026-03-13T12:00:00Z", 398)]
    [InlineData("2026-03-16T12:00:00Z", 200)]
    [InlineData("2027-03-16T12:00:00Z", 100)]
    [InlineData("2029-03-16T12:00:00Z", 47)]
    public void Linter_allows_the_maximum_of_the_day_and_refuses_one_day_more(string now, int maxDays)
    {
        var at = DateTimeOffset.Parse(now, CultureInfo.InvariantCulture);

        var atMax = LintKit.Tbs(LintKit.Template(Tls, "P-256", "CN=www.example.com", ["dns:www.example.com"], at, maxDays));
        Assert.Null(LintKit.Lint(atMax, Tls, at));

        var over = LintKit.Tbs(LintKit.Template(Tls, "P-256", "CN=www.example.com", ["dns:www.example.com"], at, maxDays + 1));
        var failure = LintKit.Lint(over, Tls, at);
        Assert.Equal("cabf.br.validity", failure?.Rule);
        Assert.Contains($"maximum of {maxDays} days", failure!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_prepared_before_a_boundary_and_linted_after_it_uses_its_notBefore()
    {
        // notBefore 2027-03-14: 200 days allowed even though the clock already reads 2027-03-15.
        var prepared = new DateTimeOffset(2027, 3, 14, 23, 30, 0, TimeSpan.Zero);
        var tbs = LintKit.Tbs(LintKit.Template(Tls, "P-256", "CN=www.example.com", ["dns:www.example.com"], prepared, 200));
        Assert.Null(LintKit.Lint(tbs, Tls, prepared.AddHours(1)));
    }

    [Fact]
    public void NotBefore_backdated_more_than_48_hours_fails()
    {
        var now = LintKit.Today;
        var tbs = LintKit.Tbs(LintKit.Template(Tls, "P-256", "CN=www.example.com", ["dns:www.example.com"], now.AddDays(-3), 90));
        var failure = LintKit.Lint(tbs, Tls, now);
        Assert.Equal("cabf.br.validity", failure?.Rule);
        Assert.Contains("backdated", failure!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_profiles_are_not_bound_by_the_schedule()
    {
        var mtls = BuiltInProfiles.MutualTls;
        var late = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var tbs = LintKit.Tbs(LintKit.Template(mtls, "P-256", "CN=svc.example.com", ["dns:svc.example.com"], late, 365));
        Assert.Null(LintKit.Lint(tbs, mtls, late));
    }
}

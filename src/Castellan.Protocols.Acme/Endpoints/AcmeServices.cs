using Castellan.Protocols.Acme.Challenges;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Directory;
using Castellan.Protocols.Acme.Eab;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Nonces;
using Castellan.Protocols.Acme.RateLimits;
using Castellan.Registration.Enrollment;
using Castellan.Validation.Contracts;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>What every ACME handler needs, injected once (one parameter instead of a dozen per handler).</summary>
internal sealed class AcmeServices(
    IAcmeStore store,
    AcmeRequestReader reader,
    AcmeUrls urls,
    AcmeDirectories directories,
    NonceStore nonces,
    AccountCache accounts,
    AcmeRateLimiter limits,
    ChallengeRunner challenges,
    ExternalAccountBinding eab,
    ProtocolEnrollment enrollment,
    IValidationAuthority va,
    IOptions<AcmeOptions> options,
    TimeProvider clock)
{
    public IAcmeStore Store => store;
    public AcmeRequestReader Reader => reader;
    public AcmeUrls Urls => urls;
    public AcmeDirectories Directories => directories;
    public NonceStore Nonces => nonces;
    public AccountCache Accounts => accounts;
    public AcmeRateLimiter Limits => limits;
    public ChallengeRunner Challenges => challenges;
    public ExternalAccountBinding Eab => eab;
    public ProtocolEnrollment Enrollment => enrollment;
    public IValidationAuthority Va => va;
    public AcmeOptions Options => options.Value;
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The account id validation evidence is kept under: the RA account when bound, else the ACME account.</summary>
    public static string ValidationAccount(AcmeAccount a) => a.RaAccountId ?? "acme:" + a.Id;

    public static string NewId(string prefix) => prefix + Jws.Base64Url.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15));

    /// <summary>RFC 8555 §8.3: a challenge token has at least 128 bits of entropy; certbot's acme library refuses fewer
    /// than 16 bytes. 32 bytes, as Boulder, gives 43 base64url characters (the column holds 64).</summary>
    public static string NewToken() => Jws.Base64Url.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

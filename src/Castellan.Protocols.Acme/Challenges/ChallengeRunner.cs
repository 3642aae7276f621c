using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Problems;
using Castellan.Validation.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Challenges;

/// <summary>
/// RFC 8555 §7.5.1: the challenge POST only starts validation; the VA works after the response (status processing),
/// and the outcome moves the authorization to valid or invalid and, in the same write, the order to ready or invalid.
/// At most <see cref="AcmeOptions.MaxConcurrentValidations"/> run at once. A node that stops mid-validation leaves the
/// authorization processing; the client's retry of the challenge POST is refused and the order expires (noted in
/// docs/flows/acme.md as missing: a sweeper that resets stale processing challenges).
/// </summary>
internal sealed class ChallengeRunner(IValidationAuthority va, IAcmeStore store, TimeProvider clock, IOptions<AcmeOptions> options, ILogger<ChallengeRunner> log)
{
    public static readonly IReadOnlyList<string> DnsTypes = ["http-01", "dns-01", "tls-alpn-01"];
    public static readonly IReadOnlyList<string> WildcardTypes = ["dns-01"];

    /// <summary>RFC 8738 §7: no dns-01 for IP addresses (reverse zones are not proof of control).</summary>
    public static readonly IReadOnlyList<string> IpTypes = ["http-01", "tls-alpn-01"];

    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentValidations);

    public static string KeyAuthorization(string token, string thumbprint) => token + "." + thumbprint;

    public static ValidationMethod? Method(string type) => type switch
    {
        "http-01" => ValidationMethod.Http01,
        "dns-01" => ValidationMethod.Dns01,
        "tls-alpn-01" => ValidationMethod.TlsAlpn01,
        _ => null,
    };

    /// <summary>Runs the validation in the background; the caller has already marked the challenge processing. The task
    /// ends once the outcome is stored (it never faults), so the caller may wait for it a little before answering. Its
    /// result is the outcome as stored, or null when nothing was stored (the authorization was deactivated meanwhile,
    /// or the outcome could not be written): then only a read tells the authorization's state.</summary>
    public Task<AuthorizationOutcome?> Start(AcmeAuthorization authz, string type, string thumbprint, string validationAccount)
    {
        return Task.Run(async () =>
        {
            await _slots.WaitAsync();
            try
            {
                var outcome = await RunAsync(authz, type, thumbprint, validationAccount);
                return await store.CompleteAuthorizationAsync(outcome, CancellationToken.None) ? outcome : null;
            }
            catch (Exception e)
            {
                // Infrastructure fault: record it on the challenge so the client stops polling.
                log.LogError(e, "validation of ACME authorization {Id} failed", authz.Id);
                try
                {
                    await store.CompleteAuthorizationAsync(new AuthorizationOutcome(authz.Id, authz.OrderId, type, false, clock.GetUtcNow(),
                        Error(AcmeProblems.Prefix + "serverInternal", "the validation could not be completed", 500)), CancellationToken.None);
                }
                catch (Exception stored)
                {
                    log.LogError(stored, "the failed validation of ACME authorization {Id} could not be recorded", authz.Id);
                }
                return null;
            }
            finally
            {
                _slots.Release();
            }
        });
    }

    private async Task<AuthorizationOutcome> RunAsync(AcmeAuthorization authz, string type, string thumbprint, string validationAccount)
    {
        var keyAuthorization = KeyAuthorization(authz.Token, thumbprint);
        var expected = type == "dns-01" ? Jws.Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization))) : keyAuthorization;
        var method = Method(type)!.Value;
        var result = await va.ValidateAsync(new ValidationRequest(authz.Identifier, method, authz.Token, expected, validationAccount), CancellationToken.None);
        // Milliseconds, as stored: the challenge response built from this outcome shows what a later read shows.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        string? error = null;
        if (result.IsError)
        {
            var p = AcmeProblems.ToProblem(result.Error);
            error = Error(p.Type, p.Detail, p.Status);
        }
        return new AuthorizationOutcome(authz.Id, authz.OrderId, type, !result.IsError, now, error) { EvidenceId = result.IsError ? null : result.Value.Id };
    }

    private static string Error(string type, string detail, int status) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["type"] = type, ["detail"] = detail, ["status"] = status });
}

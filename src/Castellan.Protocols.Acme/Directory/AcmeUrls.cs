using Castellan.Authority.Issuance;

namespace Castellan.Protocols.Acme.Directory;

/// <summary>
/// Absolute resource URLs (RFC 8555 §7.1.1 requires them), built on the public base URL so clients behind the
/// configured name reach us; the JWS "url" of every request is compared with the same form (§6.4).
/// </summary>
internal sealed class AcmeUrls(PublicationUrlProvider publication)
{
    public string Base => publication.Current.BaseUrl.TrimEnd('/');

    public string Directory(string dir) => dir == AcmeDirectories.DefaultName ? $"{Base}/acme/directory" : $"{Base}/acme/{dir}/directory";
    public string Resource(string dir, string path) => $"{Base}/acme/{dir}/{path}";
    public string NewNonce(string dir) => Resource(dir, "new-nonce");
    public string NewAccount(string dir) => Resource(dir, "new-account");
    public string NewOrder(string dir) => Resource(dir, "new-order");
    public string RevokeCert(string dir) => Resource(dir, "revoke-cert");
    public string KeyChange(string dir) => Resource(dir, "key-change");
    public string RenewalInfo(string dir) => Resource(dir, "renewal-info");
    public string Account(string dir, string id) => Resource(dir, "acct/" + id);
    public string Orders(string dir, string accountId) => Resource(dir, $"acct/{accountId}/orders");
    public string Order(string dir, string id) => Resource(dir, "order/" + id);
    public string Finalize(string dir, string id) => Resource(dir, $"order/{id}/finalize");
    public string Authorization(string dir, string id) => Resource(dir, "authz/" + id);
    public string Challenge(string dir, string authzId, string type) => Resource(dir, $"chall/{authzId}/{type}");
    public string Certificate(string dir, string orderId) => Resource(dir, "cert/" + orderId);
    public string Issuer(string caId) => publication.Current.CaIssuers(caId);

    /// <summary>The URL this request was made to, in the public form (scheme and host of the public base URL).</summary>
    public string RequestUrl(Microsoft.AspNetCore.Http.HttpRequest request) => Base + request.PathBase + request.Path;
}

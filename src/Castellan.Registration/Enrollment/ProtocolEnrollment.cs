using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Authority.Revocation;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Orders.Validation;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Enrollment;

/// <summary>
/// The RA's entry point for enrolment protocols (STYLE.md §2: Protocols -> Registration, never straight to the CA's
/// signing). A bound request becomes an ordinary RA order through <see cref="OrderService"/> (priced, debited, audited,
/// issued by the product's rules); an unbound one is issued under the product's profile, CA and validity, and the
/// CA's own <c>certificate.issued</c> audit entry records it. Revocation and status reads go through here too.
/// </summary>
public sealed class ProtocolEnrollment(
    OrderService orders,
    IProductStore products,
    IssueCertificate issuer,
    RevokeCertificate revoker,
    ICertificateStore certificates,
    CaDirectory cas,
    OrderDomainValidation dcv)
{
    /// <summary>The EAB-bound protocol account may request and, having been bound by someone allowed to, needs no approval.</summary>
    private static readonly IReadOnlySet<Permission> BoundPermissions = new HashSet<Permission>
    {
        Permission.CertificatesRequest, Permission.OrdersViewOwn, Permission.OrdersApprove, Permission.AcmeUse,
    };

    private readonly ConcurrentDictionary<string, (Product Product, long At)> _products = new();
    private readonly ConcurrentDictionary<string, string> _chains = new();

    public async Task<Result<ProtocolCertificate>> EnrollAsync(ProtocolEnrollmentRequest r, CancellationToken ct)
    {
        var product = await ProductAsync(r.ProductId, ct);
        if (product is null) return new NotFound("product", $"product '{r.ProductId}' does not exist");
        if (r.Binding is { } binding) return await PlaceOrderAsync(r, binding, ct);

        // The protocol proved the names (ACME authorizations); CAA is still checked right before signing for products
        // that need it (BR 3.2.2.8). A bound request is an RA order and gets the same check in OrderService.
        if (await dcv.RequiredAsync(product, ct) && await dcv.CheckCaaAsync(ProtocolNames(r.Sans), n => r.CaaRequesters?.GetValueOrDefault(n.Value) ?? Castellan.Validation.Contracts.CaaRequester.Unknown, ct) is { } caa)
            return caa;

        var issued = await issuer.FromCsrAsync(new IssuanceRequest
        {
            ProfileId = product.ProfileId, IssuerId = product.IssuerId, Csr = r.CsrPem, Sans = r.Sans,
            ValidityDays = Math.Min(r.ValidityDays ?? product.ValidityDays, product.ValidityDays), RequestedBy = r.Actor,
        }, ct);
        if (issued.IsError) return issued.Error;
        var c = issued.Value.Certificate;
        return new ProtocolCertificate(c.Serial.Hex, c.CaId, c.NotBefore, c.NotAfter, issued.Value.Der, Pem(issued.Value.Der) + ChainPem(c.CaId, issued.Value.Chain), null);
    }

    public async Task<ProtocolCertificateStatus?> FindCertificateAsync(string serialHex, CancellationToken ct)
    {
        if (!SerialNumber.TryParse(serialHex, out var serial)) return null;
        var c = await certificates.GetAsync(serial, ct);
        if (c is null || c.Status is CertificateStatus.Reserved or CertificateStatus.Abandoned) return null;
        return new ProtocolCertificateStatus(c.Serial.Hex, c.CaId, c.NotBefore, c.NotAfter, c.Status is CertificateStatus.Revoked or CertificateStatus.OnHold, c.Der, c.RecordedAt);
    }

    /// <summary>Revokes through the CA's use case (CRL regenerated, OCSP re-signed, audited with the protocol actor).</summary>
    public async Task<Result<ProtocolCertificateStatus>> RevokeAsync(string serialHex, RevocationReason reason, string actor, CancellationToken ct)
    {
        if (!SerialNumber.TryParse(serialHex, out var serial)) return new NotFound("certificate", "no such certificate");
        var revoked = await revoker.RevokeAsync(serial, reason, actor, ct);
        if (revoked.IsError) return revoked.Error;
        var c = revoked.Value;
        return new ProtocolCertificateStatus(c.Serial.Hex, c.CaId, c.NotBefore, c.NotAfter, true, c.Der, c.RecordedAt);
    }

    private async Task<Result<ProtocolCertificate>> PlaceOrderAsync(ProtocolEnrollmentRequest r, ProtocolBinding binding, CancellationToken ct)
    {
        // The caller is the bound protocol account: its actor ("apikey:acme:ID") is what the order and audit log name.
        var caller = new Caller(binding.Actor, "protocol", "protocol") { AccountId = binding.AccountId, Permissions = BoundPermissions };
        var request = new PlaceOrderRequest(binding.AccountId, binding.GroupId, r.ProductId, r.CsrPem, r.Sans, null, r.ValidityDays, null, null, null, false);
        var placed = await orders.PlaceAsync(caller, r.Key, request, new RequestOrigin(binding.Actor, r.Address), ct);
        if (placed.IsError) return placed.Error;
        var order = placed.Value.Order;
        if (order.CertificateSerial is null)
            return order.StatusReason is { } reason ? new PolicyViolation("order", reason) : new Conflict($"order '{order.Id}' is '{order.Status.Display()}' and has no certificate yet");
        var c = await certificates.GetAsync(SerialNumber.Parse(order.CertificateSerial), ct);
        if (c?.Der is null) return new Conflict($"order '{order.Id}' certificate is not available");
        var chain = await cas.ChainAsync(c.CaId, ct);
        return new ProtocolCertificate(c.Serial.Hex, c.CaId, c.NotBefore, c.NotAfter, c.Der, Pem(c.Der) + ChainPem(c.CaId, chain), order.Id);
    }

    private static IEnumerable<Castellan.Validation.Contracts.Identifier> ProtocolNames(IReadOnlyList<string> sans) =>
        sans.Where(s => s.StartsWith("dns:", StringComparison.OrdinalIgnoreCase))
            .Select(s => new Castellan.Validation.Contracts.Identifier(Castellan.Validation.Contracts.IdentifierType.Dns, s[4..].ToLowerInvariant()));

    /// <summary>Products change rarely; a short cache keeps the hot path to one read per minute.</summary>
    private async Task<Product?> ProductAsync(string id, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_products.TryGetValue(id, out var hit) && now - hit.At < 60_000) return hit.Product;
        var product = await products.GetAsync(id, ct);
        if (product is not null) _products[id] = (product, now);
        return product;
    }

    /// <summary>The chain of a CA only changes when the CA is re-created; its PEM is built once per CA id and thumbprint.</summary>
    private string ChainPem(string caId, IReadOnlyList<X509Certificate2> chain)
    {
        var key = caId + "/" + (chain.Count > 0 ? chain[0].Thumbprint : "");
        return _chains.GetOrAdd(key, _ => string.Concat(chain.Select(x => Pem(x.RawData))));
    }

    private static string Pem(byte[] der) => new StringBuilder().Append(PemEncoding.Write("CERTIFICATE", der)).Append('\n').ToString();
}

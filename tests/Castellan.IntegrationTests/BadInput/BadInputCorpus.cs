using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.BadInput;

/// <summary>How a case is judged: an RFC 9457 problem, or an OCSP malformedRequest answer (RFC 6960 4.2.1).</summary>
public enum Expected
{
    Problem,
    OcspMalformed,
}

/// <summary>One malformed or refused request and the status it must get. <paramref name="Rule"/> is the problem's rule
/// id when the refusal names one (policy violations and lint failures).</summary>
public sealed record BadInputCase(string Name, int Status, Func<BadInputMaterials, HttpRequestMessage> Request, string? Rule = null,
    Expected Expected = Expected.Problem);

/// <summary>
/// The corpus: every endpoint that takes input, fed truncated, oversized, malformed and refused input. Cases are
/// built from the fixture's materials at run time; the theory rows are only their names.
/// </summary>
public static class BadInputCorpus
{
    private const string Certificates = "/api/v1/certificates";
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();

    public static IReadOnlyList<BadInputCase> All { get; } = Build();

    public static TheoryData<string> ProblemCases => Names(Expected.Problem);

    public static TheoryData<string> OcspCases => Names(Expected.OcspMalformed);

    public static TheoryData<string> Names(Expected expected)
    {
        var data = new TheoryData<string>();
        foreach (var c in All.Where(c => c.Expected == expected)) data.Add(c.Name);
        return data;
    }

    public static BadInputCase Find(string name) => All.Single(c => c.Name == name);

    private static List<BadInputCase> Build()
    {
        var cases = new List<BadInputCase>();
        void Add(string name, int status, Func<BadInputMaterials, HttpRequestMessage> request, string? rule = null) => cases.Add(new(name, status, request, rule));
        void Ocsp(string name, Func<BadInputMaterials, HttpRequestMessage> request) => cases.Add(new(name, 200, request, null, Expected.OcspMalformed));
        HttpRequestMessage Issue(object body) => Json(HttpMethod.Post, Certificates, body);
        HttpRequestMessage IssueCsr(string? csr, object? extra = null) => Issue(Merge(new { profile = "tls-server", csr }, extra));

        // --- POST /api/v1/certificates: the body itself ---
        Add("issue: empty body", 400, _ => Raw(HttpMethod.Post, Certificates, "", "application/json"));
        Add("issue: JSON null", 400, _ => Raw(HttpMethod.Post, Certificates, "null", "application/json"));
        Add("issue: truncated JSON", 400, m => Raw(HttpMethod.Post, Certificates, JsonSerializer.Serialize(new { profile = "tls-server", csr = m.ValidCsrPem })[..60], "application/json"));
        Add("issue: trailing comma", 400, _ => Raw(HttpMethod.Post, Certificates, "{\"profile\":\"tls-server\",}", "application/json"));
        Add("issue: JSON array", 400, _ => Raw(HttpMethod.Post, Certificates, "[\"tls-server\"]", "application/json"));
        Add("issue: JSON string", 400, _ => Raw(HttpMethod.Post, Certificates, "\"tls-server\"", "application/json"));
        Add("issue: not JSON at all", 400, _ => Raw(HttpMethod.Post, Certificates, "profile=tls-server&csr=x", "application/json"));
        Add("issue: wrong content type text/plain", 415, m => Raw(HttpMethod.Post, Certificates, JsonSerializer.Serialize(new { profile = "tls-server", csr = m.ValidCsrPem }), "text/plain"));
        Add("issue: wrong content type form", 415, m => Raw(HttpMethod.Post, Certificates, "profile=tls-server", "application/x-www-form-urlencoded"));
        Add("issue: raw PEM CSR as body", 415, m => Raw(HttpMethod.Post, Certificates, m.ValidCsrPem, "application/pkcs10"));
        Add("issue: profile is a number", 400, m => Raw(HttpMethod.Post, Certificates, "{\"profile\":5,\"csr\":\"x\"}", "application/json"));
        Add("issue: sans is a string", 400, m => Issue(new { profile = "tls-server", csr = m.ValidCsrPem, sans = "www.example.com" }));
        Add("issue: validityDays is a string", 400, m => Issue(new { profile = "tls-server", csr = m.ValidCsrPem, validityDays = "ten" }));
        Add("issue: validityDays overflows int", 400, m => Raw(HttpMethod.Post, Certificates, "{\"profile\":\"tls-server\",\"validityDays\":99999999999999999999}", "application/json"));
        Add("issue: csr is an object", 400, _ => Raw(HttpMethod.Post, Certificates, "{\"profile\":\"tls-server\",\"csr\":{\"pem\":\"x\"}}", "application/json"));
        Add("issue: deeply nested JSON", 400, _ => Raw(HttpMethod.Post, Certificates, new string('[', 5000) + new string(']', 5000), "application/json"));
        Add("issue: body over 1 MiB", 413, _ => ExpectContinue(Issue(new { profile = "tls-server", csr = new string('A', 1_100_000) })));
        Add("issue: chunked body over 1 MiB", 413, _ => Chunked(HttpMethod.Post, Certificates, JsonSerializer.Serialize(new { profile = "tls-server", csr = new string('A', 1_100_000) })));
        Add("issue: missing profile", 400, m => Issue(new { csr = m.ValidCsrPem }));
        Add("issue: blank profile", 400, m => Issue(new { profile = "  ", csr = m.ValidCsrPem }));
        Add("issue: neither csr nor keyAlgorithm", 400, _ => Issue(new { profile = "tls-server" }));
        Add("issue: both csr and keyAlgorithm", 400, m => Issue(new { profile = "tls-server", csr = m.ValidCsrPem, keyAlgorithm = "ec-p256" }));
        Add("issue: unknown keyAlgorithm", 400, _ => Issue(new { profile = "tls-server", keyAlgorithm = "ec-p192", sans = new[] { "www.example.com" } }));
        Add("issue: PKCS#12 password over 256 characters", 400, _ => Issue(new { profile = "tls-client", keyAlgorithm = "ec-p256", subject = "CN=x", pkcs12Password = new string('p', 300) }));
        Add("issue: PKCS#12 password with a lone surrogate", 400, _ => Raw(HttpMethod.Post, Certificates, "{\"profile\":\"tls-client\",\"keyAlgorithm\":\"ec-p256\",\"subject\":\"CN=x\",\"pkcs12Password\":\"ab\\ud800cd\"}", "application/json"));
        Add("issue: PKCS#12 password with a NUL", 400, _ => Issue(new { profile = "tls-client", keyAlgorithm = "ec-p256", subject = "CN=x", pkcs12Password = "abc\0def" }));
        Add("issue: empty PKCS#12 password", 400, _ => Issue(new { profile = "tls-client", keyAlgorithm = "ec-p256", subject = "CN=x", pkcs12Password = "" }));
        Add("issue: key generation refused by profile", 422, _ => Issue(new { profile = "code-signing", keyAlgorithm = "ec-p256", subject = "CN=signer" }), "profile.key-generation");

        // --- the CSR: PEM, DER, size, signature, key ---
        Add("csr: empty string", 400, _ => IssueCsr(""));
        Add("csr: whitespace", 400, _ => IssueCsr("   \n  "));
        Add("csr: PEM truncated before END", 400, m => IssueCsr(m.ValidCsrPem[..(m.ValidCsrPem.Length / 2)]));
        Add("csr: PEM header only", 400, _ => IssueCsr("-----BEGIN CERTIFICATE REQUEST-----\n"));
        Add("csr: PEM with no body", 400, _ => IssueCsr("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n"));
        Add("csr: PEM with mismatched labels", 400, m => IssueCsr(m.ValidCsrPem.Replace("END CERTIFICATE REQUEST", "END CERTIFICATE", StringComparison.Ordinal)));
        Add("csr: a certificate instead of a CSR (PEM)", 400, m => IssueCsr(m.CertificatePem));
        Add("csr: a certificate instead of a CSR (base64 DER)", 400, m => IssueCsr(PemBody(m.CertificatePem)));
        Add("csr: wrong label PRIVATE KEY", 400, m => IssueCsr(m.ValidCsrPem.Replace("CERTIFICATE REQUEST", "PRIVATE KEY", StringComparison.Ordinal)));
        Add("csr: wrong label X509 CRL", 400, m => IssueCsr(m.ValidCsrPem.Replace("CERTIFICATE REQUEST", "X509 CRL", StringComparison.Ordinal)));
        Add("csr: bad base64 inside PEM", 400, m => IssueCsr(Pem("CERTIFICATE REQUEST", "MIIB!!!!not*base64@@@@")));
        Add("csr: bare text, not base64", 400, _ => IssueCsr("this is not a certificate signing request"));
        Add("csr: base64 of garbage DER", 400, _ => IssueCsr(Convert.ToBase64String(RandomBytes(300))));
        Add("csr: PEM of garbage DER", 400, _ => IssueCsr(Pem("CERTIFICATE REQUEST", Convert.ToBase64String(RandomBytes(300)))));
        Add("csr: nested garbage DER", 400, _ => IssueCsr(Pem("CERTIFICATE REQUEST", Convert.ToBase64String([0x30, 0x0C, 0x30, 0x0A, 0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00]))));
        Add("csr: DER with a lying length", 400, m => IssueCsr(Convert.ToBase64String(WithLength(m.ValidCsrDer, 0x7F))));
        Add("csr: truncated DER", 400, m => IssueCsr(Convert.ToBase64String(m.ValidCsrDer[..(m.ValidCsrDer.Length - 20)])));
        Add("csr: trailing bytes after DER", 400, m => IssueCsr(Convert.ToBase64String([.. m.ValidCsrDer, 0x00, 0x00])));
        Add("csr: a single zero byte", 400, _ => IssueCsr(Convert.ToBase64String([0x00])));
        Add("csr: flipped byte in signature", 400, m => IssueCsr(Convert.ToBase64String(Flip(m.ValidCsrDer, m.ValidCsrDer.Length - 1))));
        Add("csr: flipped byte in the signed subject", 400, m => IssueCsr(Convert.ToBase64String(FlipIn(m.ValidCsrDer, "www.example.com"))));
        // Found by the fuzz test: unknown algorithm OIDs made .NET throw NotSupportedException (500 before the fix).
        Add("csr: unknown curve OID", 400, m => IssueCsr(Convert.ToBase64String(Replace(m.ValidCsrDer, [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07], [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x63]))));
        Add("csr: unknown signature algorithm OID", 400, m => IssueCsr(Convert.ToBase64String(Replace(m.ValidCsrDer, [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02], [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x09]))));
        Add("csr: PEM over 64 KiB", 400, _ => IssueCsr(Pem("CERTIFICATE REQUEST", Convert.ToBase64String(RandomBytes(70 * 1024)))));
        Add("csr: text over 128 KiB", 400, _ => IssueCsr(new string('A', 140 * 1024)));
        Add("csr: RSA 1024 key", 422, m => IssueCsr(m.Rsa1024CsrPem), "key.strength");
        Add("csr: EC P-192 key", 422, m => IssueCsr(m.P192CsrPem), "key.strength");
        Add("csr: EC P-224 key", 422, m => IssueCsr(m.P224CsrPem), "key.strength");

        // --- what the profile forbids ---
        Add("san: email SAN in the CSR on tls-server", 422, m => IssueCsr(m.EmailSanCsrPem), "profile.san-type");
        Add("san: email SAN requested on tls-server", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "email:a@example.com" } }), "profile.san-type");
        Add("san: URI SAN requested on tls-server", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "uri:https://example.com/x" } }), "profile.san-type");
        Add("san: wildcard on tls-client", 422, m => Issue(new { profile = "tls-client", csr = m.ValidCsrPem, sans = new[] { "*.example.com" } }), "profile.wildcard");
        Add("san: wildcard not leftmost", 400, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "www.*.example.com" } }));
        Add("san: malformed DNS name", 400, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "exa mple.com" } }));
        Add("san: label longer than 63", 400, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { new string('a', 64) + ".example.com" } }));
        Add("san: empty name", 400, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "" } }));
        Add("san: null name", 400, m => Raw(HttpMethod.Post, Certificates, JsonSerializer.Serialize(new { profile = "tls-server", csr = m.ValidCsrPem, sans = new string?[] { null } }), "application/json"));
        Add("san: IP with zone id", 400, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "ip:fe80::1%eth0" } }));
        Add("san: none on tls-server", 422, m => IssueCsr(m.ValidCsrPem, new { sans = Array.Empty<string>() }), "profile.san-required");
        Add("san: 101 names", 422, m => IssueCsr(m.ValidCsrPem, new { sans = Enumerable.Range(0, 101).Select(i => $"h{i}.example.com").ToArray() }), "profile.san-count");
        Add("san: internal name in the CSR", 422, m => IssueCsr(m.InternalNameCsrPem), "cabf.br.internal-name");
        Add("san: .local name", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "printer.local" }, subject = "CN=printer.local" }), "cabf.br.internal-name");
        Add("san: single-label name", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "intranet" }, subject = "CN=intranet" }), "cabf.br.internal-name");
        Add("san: .internal name", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "db.internal" }, subject = "CN=db.internal" }), "cabf.br.internal-name");
        Add("san: private IPv4 10/8", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "ip:10.1.2.3" }, subject = "" }), "cabf.br.internal-name");
        Add("san: private IPv4 192.168/16", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "192.168.1.1" }, subject = "" }), "cabf.br.internal-name");
        Add("san: loopback IPv4", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "127.0.0.1" }, subject = "" }), "cabf.br.internal-name");
        Add("san: loopback IPv6", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "ip:::1" }, subject = "" }), "cabf.br.internal-name");
        Add("san: documentation IPv6", 422, m => IssueCsr(m.ValidCsrPem, new { sans = new[] { "ip:2001:db8::1" }, subject = "" }), "cabf.br.internal-name");
        Add("subject: CN not among the SANs", 422, m => IssueCsr(m.ValidCsrPem, new { subject = "CN=other.example.com" }), "cabf.br.cn-in-san");
        Add("subject: attribute O forbidden on tls-server", 422, m => IssueCsr(m.ValidCsrPem, new { subject = "CN=www.example.com,O=Example" }), "profile.subject");
        Add("subject: not a distinguished name", 400, m => IssueCsr(m.ValidCsrPem, new { subject = "this is = not, a DN\"" }));
        Add("subject: over 1024 characters", 400, m => IssueCsr(m.ValidCsrPem, new { subject = "CN=" + new string('a', 1100) }));
        Add("subject: country of three letters", 422, m => Issue(new { profile = "tls-client", csr = m.ValidCsrPem, subject = "CN=alice,C=USA" }), "profile.subject");

        // --- validity, profile, CA ---
        Add("validity: beyond the profile (201 days on tls-server)", 422, m => IssueCsr(m.ValidCsrPem, new { validityDays = 201 }), "profile.validity");
        Add("validity: beyond CA/B Forum maximum (398 days)", 422, m => IssueCsr(m.ValidCsrPem, new { validityDays = 398 }), "profile.validity");
        Add("validity: beyond tls-client maximum", 422, m => Issue(new { profile = "tls-client", csr = m.ValidCsrPem, validityDays = 5 * 365 + 1 }), "profile.validity");
        Add("validity: int.MaxValue days", 422, m => IssueCsr(m.ValidCsrPem, new { validityDays = int.MaxValue }), "profile.validity");
        Add("validity: zero days", 400, m => IssueCsr(m.ValidCsrPem, new { validityDays = 0 }));
        Add("validity: negative days", 400, m => IssueCsr(m.ValidCsrPem, new { validityDays = -30 }));
        Add("profile: unknown", 404, m => Issue(new { profile = "no-such-profile", csr = m.ValidCsrPem }));
        Add("profile: a CA profile", 422, m => Issue(new { profile = "sub-ca", csr = m.ValidCsrPem }), "profile.ca");
        Add("issuer: unknown CA", 404, m => IssueCsr(m.ValidCsrPem, new { issuer = "no-such-ca" }));
        Add("issuer: disabled CA", 409, m => IssueCsr(m.ValidCsrPem, new { issuer = BadInputMaterials.DisabledCa }));
        Add("issuer: CA awaiting its certificate", 409, m => IssueCsr(m.ValidCsrPem, new { issuer = BadInputMaterials.ExternalCa }));

        // --- authentication ---
        Add("auth: no Authorization header", 401, m => WithAuth(IssueCsr(m.ValidCsrPem), null));
        Add("auth: wrong API key", 401, m => WithAuth(IssueCsr(m.ValidCsrPem), "Bearer cstl_wrong-key-0123456789abcdefghij"));
        Add("auth: empty bearer", 401, m => WithAuth(IssueCsr(m.ValidCsrPem), "Bearer "));
        Add("auth: Basic instead of Bearer", 401, m => WithAuth(IssueCsr(m.ValidCsrPem), "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin"))));
        Add("auth: 10 KiB bearer", 401, m => WithAuth(IssueCsr(m.ValidCsrPem), "Bearer " + new string('k', 10_000)));
        Add("auth: revoke without key", 401, m => WithAuth(Json(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", new { reason = "keyCompromise" }), null));
        Add("auth: CA create with wrong key", 401, _ => WithAuth(Json(HttpMethod.Post, "/api/v1/cas", new { id = "evil", subject = "CN=Evil" }), "Bearer nope-nope-nope-nope-nope"));

        // --- revoke / release ---
        Add("revoke: serial not hex", 400, _ => Json(HttpMethod.Post, $"{Certificates}/not-a-serial/revoke", new { reason = "keyCompromise" }));
        Add("revoke: serial longer than 20 octets", 400, _ => Json(HttpMethod.Post, $"{Certificates}/{new string('a', 50)}/revoke", new { reason = "keyCompromise" }));
        Add("revoke: unknown serial", 404, _ => Json(HttpMethod.Post, $"{Certificates}/{Convert.ToHexStringLower(RandomBytes(16))}/revoke", new { reason = "keyCompromise" }));
        Add("revoke: unknown reason", 400, m => Json(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", new { reason = "becauseISaidSo" }));
        Add("revoke: reason code 7 (unused)", 400, m => Json(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", new { reason = "7" }));
        Add("revoke: reason removeFromCRL", 400, m => Json(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", new { reason = "removeFromCRL" }));
        Add("revoke: reason is a number", 400, m => Raw(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", "{\"reason\":1}", "application/json"));
        Add("revoke: invalid JSON", 400, m => Raw(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", "{\"reason\":", "application/json"));
        Add("revoke: wrong content type", 415, m => Raw(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/revoke", "reason=keyCompromise", "text/plain"));
        Add("revoke: already revoked", 409, m => Json(HttpMethod.Post, $"{Certificates}/{m.RevokedSerial}/revoke", new { reason = "keyCompromise" }));
        Add("release: not on hold", 409, m => Authed(HttpMethod.Post, $"{Certificates}/{m.IssuedSerial}/release"));
        Add("release: serial not hex", 400, _ => Authed(HttpMethod.Post, $"{Certificates}/xyz/release"));

        // --- GET by serial, search ---
        Add("get: serial not hex", 400, _ => Authed(HttpMethod.Get, $"{Certificates}/ghijkl"));
        Add("get: serial 0x only", 400, _ => Authed(HttpMethod.Get, $"{Certificates}/0x"));
        Add("get: unknown serial", 404, _ => Authed(HttpMethod.Get, $"{Certificates}/{Convert.ToHexStringLower(RandomBytes(16))}"));
        Add("get: unknown format", 400, m => Authed(HttpMethod.Get, $"{Certificates}/{m.IssuedSerial}?format=exe"));
        Add("search: unknown status", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?status=bogus"));
        Add("search: status reserved is internal", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?status=reserved"));
        Add("search: numeric status", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?status=1"));
        Add("search: page zero", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?page=0"));
        Add("search: page not a number", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?page=two"));
        Add("search: page so large the offset overflows", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?page=2147483647&pageSize=500"));
        Add("search: pageSize 501", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?pageSize=501"));
        Add("search: expiresAfter not a date", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?expiresAfter=yesterday-ish"));
        Add("search: serial not hex", 400, _ => Authed(HttpMethod.Get, $"{Certificates}?serial=zz%27%20OR%201=1"));
        Add("audit: page so large the offset overflows", 400, _ => Authed(HttpMethod.Get, "/api/v1/audit?page=2147483647&pageSize=500"));

        // --- CA create / import ---
        Add("ca: missing id and subject", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { }));
        Add("ca: invalid id", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "Bad_ID!", subject = "CN=Bad" }));
        Add("ca: id of 41 characters", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = new string('a', 41), subject = "CN=Long" }));
        Add("ca: subject not a DN", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-bad-subject", subject = "no equals sign here" }));
        Add("ca: unknown parent", 404, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-orphan", subject = "CN=Orphan", parent = "no-such-ca" }));
        Add("ca: disabled parent", 409, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-under-disabled", subject = "CN=Child", parent = BadInputMaterials.DisabledCa }));
        Add("ca: parent with path length 0", 422, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-too-deep", subject = "CN=Too Deep", parent = "issuing-1" }), "rfc5280.path-length");
        Add("ca: id already taken", 409, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "root", subject = "CN=Second Root" }));
        Add("ca: validity zero", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-zero", subject = "CN=Zero", validityDays = 0 }));
        Add("ca: validity 100 years", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-forever", subject = "CN=Forever", validityDays = 36500 }));
        Add("ca: path length 11", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-pathlen", subject = "CN=Path", pathLength = 11 }));
        Add("ca: unknown key algorithm", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-dsa", subject = "CN=DSA", keyAlgorithm = "dsa-1024" }));
        Add("ca: malformed name constraint", 400, _ => Json(HttpMethod.Post, "/api/v1/cas", new { id = "ca-nc", subject = "CN=NC", permittedDnsNames = new[] { "bad name.example" } }));
        Add("ca: external is a string", 400, _ => Raw(HttpMethod.Post, "/api/v1/cas", "{\"id\":\"ca-ext\",\"subject\":\"CN=X\",\"external\":\"yes\"}", "application/json"));
        Add("ca: invalid JSON", 400, _ => Raw(HttpMethod.Post, "/api/v1/cas", "{id: ca}", "application/json"));
        Add("ca import: unknown CA", 404, m => Json(HttpMethod.Post, "/api/v1/cas/no-such-ca/certificate", new { certificatePem = m.CertificatePem }));
        Add("ca import: CA not waiting for a certificate", 409, m => Json(HttpMethod.Post, "/api/v1/cas/issuing-1/certificate", new { certificatePem = m.CertificatePem }));
        Add("ca import: empty PEM", 400, _ => Json(HttpMethod.Post, $"/api/v1/cas/{BadInputMaterials.ExternalCa}/certificate", new { certificatePem = "" }));
        Add("ca import: no PEM block at all", 400, _ => Json(HttpMethod.Post, $"/api/v1/cas/{BadInputMaterials.ExternalCa}/certificate", new { certificatePem = "just some text" }));
        Add("ca import: garbage inside a CERTIFICATE block", 400, _ => Json(HttpMethod.Post, $"/api/v1/cas/{BadInputMaterials.ExternalCa}/certificate", new { certificatePem = Pem("CERTIFICATE", Convert.ToBase64String(RandomBytes(200))) }));
        Add("ca import: a CSR instead of a certificate", 400, m => Json(HttpMethod.Post, $"/api/v1/cas/{BadInputMaterials.ExternalCa}/certificate", new { certificatePem = m.ValidCsrPem }));
        Add("ca import: certificate for another key", 422, m => Json(HttpMethod.Post, $"/api/v1/cas/{BadInputMaterials.ExternalCa}/certificate", new { certificatePem = m.CertificatePem }), "ca.import.key");

        // --- profile create ---
        Add("profile: invalid id", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { id = "Has Spaces" })));
        Add("profile: built-in id", 409, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { id = "tls-server" })));
        Add("profile: missing required fields", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", new { id = "half-a-profile" }));
        Add("profile: public TLS beyond 200 days", 422, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { trust = "PublicTls", maxValidityDays = 398 })), "profile.validity");
        Add("profile: RSA 1024 allowed", 422, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { minRsaBits = 1024 })), "key.strength");
        Add("profile: unknown key usage", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { keyUsage = "MindControl" })));
        Add("profile: EKU that is not an OID", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { extendedKeyUsages = new[] { "serverAuth please" } })));
        Add("profile: policy that is not an OID", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { policyOids = new[] { "1.2.x" } })));
        Add("profile: null list", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { allowedSubjectAttributes = (string[]?)null })));
        Add("profile: unknown subject attribute", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { allowedSubjectAttributes = new[] { "CN", "FAVOURITE_COLOUR" } })));
        Add("profile: unknown curve", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { allowedCurves = new[] { "P-192" } })));
        Add("profile: default validity above maximum", 400, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { defaultValidityDays = 400 })));
        Add("profile: CA profile", 422, _ => Json(HttpMethod.Post, "/api/v1/profiles", Profile(new { isCa = true })), "profile.ca");
        Add("profile: invalid JSON", 400, _ => Raw(HttpMethod.Post, "/api/v1/profiles", "{\"id\":\"x\"", "application/json"));

        // --- CRL path ---
        Add("crl: unknown CA", 404, _ => Anonymous(HttpMethod.Get, "/crl/no-such-ca.crl"));
        Add("crl: no .crl suffix", 404, _ => Anonymous(HttpMethod.Get, "/crl/issuing-1"));
        Add("crl: dot-dot in the name", 404, _ => Anonymous(HttpMethod.Get, "/crl/..%2Fkeys.crl"));
        Add("crl: CA awaiting its certificate", 409, _ => Anonymous(HttpMethod.Get, $"/crl/{BadInputMaterials.ExternalCa}.crl"));
        Add("ocsp: POST declared larger than 8 KiB", 413, _ => ExpectContinue(OcspPost(RandomBytes(9000), chunked: false)));

        // --- OCSP: always an OCSPResponse with status malformedRequest, never 500 ---
        Ocsp("ocsp: POST empty", _ => OcspPost([]));
        Ocsp("ocsp: POST garbage", _ => OcspPost(RandomBytes(120)));
        Ocsp("ocsp: POST truncated request", m => OcspPost(m.OcspRequestDer[..(m.OcspRequestDer.Length - 10)]));
        Ocsp("ocsp: POST request with a lying length", m => OcspPost(WithLength(m.OcspRequestDer, 0x7F)));
        Ocsp("ocsp: POST nested garbage", _ => OcspPost([0x30, 0x08, 0x30, 0x06, 0x30, 0x04, 0x30, 0x02, 0x05, 0x00]));
        Ocsp("ocsp: POST empty request list", _ => OcspPost([0x30, 0x04, 0x30, 0x02, 0x30, 0x00]));
        Ocsp("ocsp: POST two certificates (RFC 5019 allows one)", m => OcspPost(m.OcspTwoCertRequestDer));
        Ocsp("ocsp: POST a CSR", m => OcspPost(m.ValidCsrDer));
        Ocsp("ocsp: POST chunked over 8 KiB", _ => OcspPost(RandomBytes(9000), chunked: true));
        Ocsp("ocsp: POST base64 text instead of DER", m => OcspPost(Encoding.ASCII.GetBytes(Convert.ToBase64String(m.OcspRequestDer))));
        Ocsp("ocsp: GET bad base64", _ => Anonymous(HttpMethod.Get, "/ocsp/!!!not-base64***"));
        Ocsp("ocsp: GET bad percent escapes", _ => Anonymous(HttpMethod.Get, "/ocsp/%ZZ%4"));
        Ocsp("ocsp: GET base64 of garbage", _ => Anonymous(HttpMethod.Get, "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(RandomBytes(80)))));
        Ocsp("ocsp: GET truncated request", m => Anonymous(HttpMethod.Get, "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(m.OcspRequestDer[..20]))));
        Ocsp("ocsp: GET 6 KiB of base64 garbage", _ => Anonymous(HttpMethod.Get, "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(RandomBytes(4500)))));
        return cases;
    }

    private static object Profile(object overrides)
    {
        var baseProfile = new Dictionary<string, object?>
        {
            ["id"] = "custom-" + Convert.ToHexStringLower(RandomBytes(4)), ["name"] = "Custom", ["maxValidityDays"] = 365,
            ["keyUsage"] = "DigitalSignature", ["extendedKeyUsages"] = new[] { "1.3.6.1.5.5.7.3.2" }, ["allowedSanTypes"] = new[] { "Dns" },
        };
        foreach (var p in JsonSerializer.SerializeToElement(overrides).EnumerateObject()) baseProfile[p.Name] = p.Value;
        return baseProfile;
    }

    private static Dictionary<string, object?> Merge(object body, object? extra)
    {
        var merged = new Dictionary<string, object?>();
        foreach (var p in JsonSerializer.SerializeToElement(body).EnumerateObject()) merged[p.Name] = p.Value;
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) merged[p.Name] = p.Value;
        }
        return merged;
    }

    public static HttpRequestMessage Json(HttpMethod method, string path, object body) =>
        Raw(method, path, JsonSerializer.Serialize(body), "application/json");

    public static HttpRequestMessage Raw(HttpMethod method, string path, string body, string contentType)
    {
        var request = WithAuth(new HttpRequestMessage(method, path), $"Bearer {CastellanServer.AdminKey}");
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    private static HttpRequestMessage Chunked(HttpMethod method, string path, string body)
    {
        var request = WithAuth(new HttpRequestMessage(method, path), $"Bearer {CastellanServer.AdminKey}");
        request.Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body)));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    private static HttpRequestMessage Authed(HttpMethod method, string path) => WithAuth(new HttpRequestMessage(method, path), $"Bearer {CastellanServer.AdminKey}");

    private static HttpRequestMessage Anonymous(HttpMethod method, string path) => new(method, path);

    private static HttpRequestMessage OcspPost(byte[] body, bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/ocsp")
        {
            Content = chunked ? new StreamContent(new UnseekableStream(body)) : new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        return request;
    }

    /// <summary>As a careful client sends a large body: the server can refuse on the headers, so the refusal never
    /// races the upload (without it the client may still be writing when the server answers 413 and closes).</summary>
    private static HttpRequestMessage ExpectContinue(HttpRequestMessage request)
    {
        request.Headers.ExpectContinue = true;
        return request;
    }

    private static HttpRequestMessage WithAuth(HttpRequestMessage request, string? authorization)
    {
        request.Headers.Authorization = null;
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    public static string Pem(string label, string base64) => $"-----BEGIN {label}-----\n{base64}\n-----END {label}-----\n";

    private static string PemBody(string pem) =>
        string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));

    public static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        Random.GetBytes(b);
        return b;
    }

    private static byte[] Flip(byte[] der, int index)
    {
        var copy = (byte[])der.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] FlipIn(byte[] der, string text)
    {
        var at = der.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text));
        if (at < 0) throw new InvalidOperationException($"'{text}' is not in the DER");
        return Flip(der, at + 1);
    }

    private static byte[] Replace(byte[] der, byte[] find, byte[] with)
    {
        var at = der.AsSpan().IndexOf(find);
        if (at < 0) throw new InvalidOperationException("pattern not in the DER");
        var copy = (byte[])der.Clone();
        with.CopyTo(copy, at);
        return copy;
    }

    /// <summary>Rewrites the outer SEQUENCE's long-form length octet so it claims more bytes than there are.</summary>
    private static byte[] WithLength(byte[] der, byte lengthByte)
    {
        var copy = (byte[])der.Clone();
        if (copy[1] >= 0x81) copy[2] = (byte)(copy[2] | lengthByte);
        else copy[1] = lengthByte;
        return copy;
    }

    /// <summary>A stream without a length, so HttpClient sends the body chunked (no Content-Length to refuse early).</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Contracts;

namespace Castellan.IntegrationTests.Registration;

/// <summary>A server that trusts loopback as a reverse proxy (so X-Forwarded-For can be tested), with RA intent methods. SQLite by default.</summary>
public class RegistrationServer : CastellanServer
{
    public const string Password = "a long enough passphrase";

    public override string StorageName => "sqlite";

    protected override async Task<IReadOnlyList<string>> StorageArgumentsAsync() => StorageName == "postgres"
        ? ["--Castellan:Storage:Provider", "postgres", "--Castellan:Storage:ConnectionString", await TestDatabases.CreateAsync()]
        : ["--Castellan:Storage:Provider", "sqlite"];

    /// <summary>This CA's CAA issuer domain in the tests (<c>Castellan:Validation:CaaIdentities</c>).</summary>
    public const string CaaIdentity = "castellan.test";

    /// <summary>
    /// The zone a real BIND serves for domain control and CAA (docs/flows/orders.md "Domain control"): "com", so the
    /// tests' example.com names resolve, can be proven through TSIG-signed updates, and CAA climbing ends at an
    /// authoritative answer (the apex names this CA). Null: no DNS (the validation authority uses nothing else).
    /// </summary>
    protected virtual string? DcvZone => "com";

    public BindDnsServer? DcvDns { get; private set; }

    /// <summary>More zone-file lines for <see cref="DcvZone"/>.</summary>
    protected virtual string[] DcvRecords => [];

    /// <summary>Reissue grace of 2 s, checked every 0.5 s, so supersession is observable within a test.</summary>
    protected override IReadOnlyList<string> ExtraArguments =>
    [
        "--Castellan:Network:TrustedProxies:0", "127.0.0.1",
        "--Castellan:Registration:ReissueGracePeriod", "00:00:02", "--Castellan:Registration:SupersessionCheckInterval", "00:00:00.500",
        .. DcvDns is null ? Array.Empty<string>() :
        [
            "--Castellan:Validation:DnsResolvers:0", DcvDns.Endpoint, "--Castellan:Validation:CaaIdentities:0", CaaIdentity,
            "--Castellan:Validation:AttemptTimeout", "00:00:03",
        ],
    ];

    protected override async Task BeforeStartAsync()
    {
        if (DcvZone is { } zone) DcvDns = await BindDnsServer.StartAsync(zone, [$"@ IN CAA 0 issue \"{CaaIdentity}\"", .. DcvRecords]);
    }

    protected override async ValueTask AfterStopAsync()
    {
        if (DcvDns is not null) await DcvDns.DisposeAsync();
    }

    /// <summary>
    /// Proves control of <paramref name="domain"/> for the client's account the way a customer does: adds it with
    /// dns-txt through the API, publishes the value in BIND by a TSIG-signed update, and verifies it through the real
    /// validation authority. Orders of that account for the domain and its subdomains then need no further DCV.
    /// </summary>
    public async Task ValidateDomainAsync(HttpClient admin, string domain = "example.com")
    {
        if (DcvDns is null) throw new InvalidOperationException("this server runs no DNS for domain validation");
        using var added = await admin.PostAsJsonAsync("/api/v1/domains", new { name = domain, method = "dns-txt" });
        var body = await Json(added, 201);
        var challenge = body.GetProperty("challenge");
        await DcvDns.AddAsync(challenge.GetProperty("location").GetString()!, "TXT", $"\"{challenge.GetProperty("value").GetString()}\"");
        using var verified = await admin.PostAsJsonAsync($"/api/v1/domains/{body.GetProperty("id").GetString()}/verify", new { });
        Assert.Equal("verified", (await Json(verified, 200)).GetProperty("status").GetString());
    }

    public static string NewEmail(string prefix) => ($"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)] + "@example.com").ToLowerInvariant();

    /// <summary>The newest pending message to an address, straight from the outbox table.</summary>
    public async Task<OutgoingMessage> LastMessageAsync(string email)
    {
        var messages = await Get<INotificationOutbox>().ListPendingAsync(email, 100, CancellationToken.None);
        Assert.NotEmpty(messages);
        return messages[^1];
    }

    public virtual async Task<string?> ActivationTokenAsync(string email)
    {
        var messages = await Get<INotificationOutbox>().ListPendingAsync(email, 100, CancellationToken.None);
        var match = messages.Select(m => Regex.Match(m.Body, @"/activate\?token=([A-Za-z0-9_-]+)")).LastOrDefault(m => m.Success);
        return match?.Groups[1].Value;
    }

    public async Task<HttpResponseMessage> ActivateAsync(string token, string password = Password) =>
        await Anonymous.PostAsJsonAsync("/api/v1/activate", new { token, password });

    /// <summary>An account created by the operator, its administrator activated; returns the account id and the administrator's user id.</summary>
    public async Task<(string AccountId, string AdminUserId)> CreateAccountAsync(string kind, string? parentId = null, HttpClient? by = null)
    {
        var email = NewEmail("admin");
        using var created = await (by ?? Client).PostAsJsonAsync("/api/v1/accounts", new { kind, name = $"{kind} {Guid.NewGuid():N}", parentId, administratorEmail = email });
        var account = await Json(created, 201);
        using var activated = await ActivateAsync((await ActivationTokenAsync(email))!);
        var user = await Json(activated, 200);
        return (account.GetProperty("id").GetString()!, user.GetProperty("userId").GetString()!);
    }

    /// <summary>Invites a member with a role (as the operator), optionally activates them and gives them a key; returns user id and a client with that key.</summary>
    public async Task<Member> AddMemberAsync(string accountId, string role, bool activate = true)
    {
        var email = NewEmail(role);
        using var invited = await Client.PostAsJsonAsync($"/api/v1/accounts/{accountId}/users", new { email, name = role, role });
        var userId = (await Json(invited, 201)).GetProperty("userId").GetString()!;
        if (!activate) return new Member(userId, email, null);
        using (var activated = await ActivateAsync((await ActivationTokenAsync(email))!)) await Json(activated, 200);
        var secret = await NewKeyAsync(accountId, userId);
        return new Member(userId, email, KeyClient(secret));
    }

    /// <summary>A key for a member, minted by the operator on the member's behalf; returns the secret.</summary>
    public async Task<string> NewKeyAsync(string accountId, string userId, HttpClient? by = null)
    {
        using var key = await (by ?? Client).PostAsJsonAsync($"/api/v1/accounts/{accountId}/api-keys", new { name = "test key", userId });
        return (await Json(key, 201)).GetProperty("secret").GetString()!;
    }

    public async Task<string> NewKeyIdAsync(string accountId, string userId)
    {
        using var key = await Client.PostAsJsonAsync($"/api/v1/accounts/{accountId}/api-keys", new { name = "test key", userId });
        return (await Json(key, 201)).GetProperty("id").GetString()!;
    }

    public HttpClient KeyClient(string secret)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response, int expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"wanted {expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

public sealed class PostgresRegistrationServer : RegistrationServer
{
    public override string StorageName => "postgres";
}

public sealed record Member(string UserId, string Email, HttpClient? Client)
{
    /// <summary>The member's key client; only activated members have one.</summary>
    public HttpClient Key => Client ?? throw new InvalidOperationException("this member was not activated, so has no key");
}

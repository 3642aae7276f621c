using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.IntegrationTests.Enrolment;

/// <summary>
/// Seed 001 enrolments are paid by the inviting account like orders (docs/flows/enrolment.md step 4): the approval
/// debits the account's balance at the product's price, once per invitation however often it is retried; a balance
/// that does not cover it answers the orders' 402 insufficient-credit with nothing issued, nothing charged and the
/// invitation still waiting; the charge is in the account's ledger (the default group's statement).
/// </summary>
public abstract class EnrolmentChargeTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const long SmimePrice = 2_500; // prd_smime: 25.00 USD a year, 365 days

    [Fact]
    public async Task Approval_debits_the_inviting_account_once_and_the_charge_is_in_its_ledger()
    {
        var (admin, account) = await TenantAsync(credit: 10_000);
        var policy = await PolicyAsync(admin, "manual");
        var (id, _) = await InviteAndSubmitAsync(admin, policy);

        var approved = await RegistrationServer.Json(await admin.PostAsync($"/api/v1/invitations/{id}/approve", null), 200);
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal(10_000 - SmimePrice, await BalanceAsync(account));
        // A second approval is refused as already decided, and charges nothing more.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/invitations/{id}/approve", null)).StatusCode);
        Assert.Equal(10_000 - SmimePrice, await BalanceAsync(account));

        // The ledger: one order debit referring to the invitation, paid from the account balance, on the default group's statement.
        var journals = await JournalsAsync(id);
        var debit = Assert.Single(journals);
        Assert.Equal("enrolment:" + id, debit.IdempotencyKey);
        var statement = await StatementAsync(admin, account);
        var line = Assert.Single(statement.GetProperty("history").EnumerateArray(), j => j.GetProperty("reference").GetString() == id);
        Assert.Equal(("OrderDebit", SmimePrice, "USD"), (line.GetProperty("kind").GetString(), line.GetProperty("amountMinor").GetInt64(), line.GetProperty("currency").GetString()));
        Assert.Equal(10_000 - SmimePrice, statement.GetProperty("balanceMinor").GetInt64());
    }

    [Fact]
    public async Task Without_enough_credit_approval_answers_402_and_nothing_is_issued_or_charged_until_the_account_is_credited()
    {
        var (admin, account) = await TenantAsync(credit: SmimePrice - 1);
        var policy = await PolicyAsync(admin, "manual");
        var (id, _) = await InviteAndSubmitAsync(admin, policy);
        var certificatesBefore = await CertificateCountAsync();

        using var refused = await admin.PostAsync($"/api/v1/invitations/{id}/approve", null);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.PaymentRequired, body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:castellan:problem:insufficient-credit", problem.GetProperty("type").GetString());
        Assert.Contains("insufficient credit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Nothing issued, nothing half-written: still submitted, no serial, no collection link, no journal, same balance.
        var row = await RowAsync(id);
        Assert.Equal("Submitted", row.Status);
        Assert.Null(row.CertificateSerial);
        Assert.Null(row.CollectTokenHash);
        Assert.Equal(certificatesBefore, await CertificateCountAsync());
        Assert.Empty(await JournalsAsync(id));
        Assert.Equal(SmimePrice - 1, await BalanceAsync(account));
        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=enrolment.payment-refused&target=invitation:{id}");
        Assert.Equal(1, audit.GetArrayLength());

        // Credited, the same approval goes through and charges exactly once.
        await CreditAsync(account, 10_000);
        Assert.Equal("approved", (await RegistrationServer.Json(await admin.PostAsync($"/api/v1/invitations/{id}/approve", null), 200)).GetProperty("status").GetString());
        Assert.Equal(SmimePrice - 1 + 10_000 - SmimePrice, await BalanceAsync(account));
        Assert.Single(await JournalsAsync(id));
        Assert.NotNull((await RowAsync(id)).CertificateSerial);
    }

    [Fact]
    public async Task An_automatic_policy_without_credit_leaves_the_submission_waiting_instead_of_issuing()
    {
        var (admin, account) = await TenantAsync(credit: 0);
        var policy = await PolicyAsync(admin, "automatic");
        var (id, submitted) = await InviteAndSubmitAsync(admin, policy);
        Assert.Equal("submitted", submitted);
        Assert.Null((await RowAsync(id)).CertificateSerial);
        Assert.Empty(await JournalsAsync(id));
        Assert.Equal(0, await BalanceAsync(account));
    }

    private async Task<(HttpClient Admin, string AccountId)> TenantAsync(long credit)
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        if (credit > 0) await CreditAsync(account, credit);
        return (server.KeyClient(await server.NewKeyAsync(account, adminId)), account);
    }

    private Task CreditAsync(string account, long amount) => RaTestClient.CreditAsync(server, account, amount);

    private static async Task<string> PolicyAsync(HttpClient admin, string approval)
    {
        using var created = await admin.PostAsJsonAsync("/api/v1/enrolment-policies", new
        {
            name = "Paid S/MIME " + Guid.NewGuid().ToString("N")[..6], productId = "prd_smime", requiredFields = new[] { "givenName", "surname" },
            keySources = new[] { "csr" }, approval, linkLifetimeHours = 48,
        });
        return (await RegistrationServer.Json(created, 201)).GetProperty("id").GetString()!;
    }

    /// <summary>Invites one address, submits its CSR through the enrolment link; the invitation's id and the status the submission answered.</summary>
    private async Task<(string Id, string Status)> InviteAndSubmitAsync(HttpClient admin, string policy)
    {
        var email = RegistrationServer.NewEmail("paid");
        using var uploaded = await admin.PostAsync($"/api/v1/enrolment-policies/{policy}/invitations", new StringContent($"email,given_name,surname\n{email},Ann,Lee\n", System.Text.Encoding.UTF8, "text/csv"));
        var id = (await RegistrationServer.Json(uploaded, 200)).GetProperty("lines")[0].GetProperty("invitationId").GetString()!;
        var messages = await server.Get<Castellan.Registration.Contracts.INotificationOutbox>().ListPendingAsync(email, 100, CancellationToken.None);
        var token = messages.Select(m => Regex.Match(m.Body, @"/enrol/(enr_[A-Za-z0-9_-]+)")).Last(m => m.Success).Groups[1].Value;
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("paid-csr"), "ec:P-256", "/CN=" + email, null));
        using var response = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{token}", new { givenName = "Ann", surname = "Lee", keySource = "csr", csr });
        return (id, (await RegistrationServer.Json(response, 200)).GetProperty("status").GetString()!);
    }

    private async Task<long> BalanceAsync(string account) =>
        (await server.Get<Castellan.Billing.Contracts.ILedgerStore>().FindBalanceAsync(Castellan.Billing.Contracts.LedgerAccount.AccountCode(account), CancellationToken.None))?.Minor ?? 0;

    private static async Task<JsonElement> StatementAsync(HttpClient admin, string account)
    {
        var groups = await RegistrationServer.Json(await admin.GetAsync($"/api/v1/accounts/{account}/groups"), 200);
        var list = groups.ValueKind == JsonValueKind.Array ? groups : groups.GetProperty("items");
        var defaultGroup = list.EnumerateArray().Single(g => g.GetProperty("isDefault").GetBoolean()).GetProperty("id").GetString();
        return await RegistrationServer.Json(await admin.GetAsync($"/api/v1/accounts/{account}/groups/{defaultGroup}/statement"), 200);
    }

    private async Task<List<Castellan.Storage.Stores.Billing.LedgerJournalRow>> JournalsAsync(string invitationId)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        return await db.LedgerJournals.AsNoTracking().Where(j => j.Reference == invitationId).ToListAsync();
    }

    private async Task<int> CertificateCountAsync()
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        return await db.Certificates.CountAsync();
    }

    private async Task<InvitationRow> RowAsync(string id)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        return await db.Set<InvitationRow>().AsNoTracking().SingleAsync(x => x.Id == id);
    }
}

public sealed class EnrolmentChargeTestsOnSqlite(RegistrationServer server) : EnrolmentChargeTests<RegistrationServer>(server);

public sealed class EnrolmentChargeTestsOnPostgres(PostgresRegistrationServer server) : EnrolmentChargeTests<PostgresRegistrationServer>(server);

using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Notifications;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Registration.Enrollment;

/// <summary>
/// Seed 001 stage one, "Digi-CA Action": the administrator uploads a CSV under a policy; every good line becomes an
/// invitation whose enrolment link is emailed (through the outbox, so a slow mail server delays nobody). Each line is
/// checked and reported on its own; a bad line never stops the good ones (docs/flows/enrolment.md step 2).
/// </summary>
public sealed class InviteApplicants(IEnrolmentStore store, EnrolmentPolicies policies, Notifier notifier, ActivationLinks links, IAuditLog audit, TimeProvider clock)
{
    /// <param name="progress">Called with (lines done, lines in total) after each line, for a progress bar.</param>
    public async Task<Result<CsvInviteReport>> InviteAsync(Caller caller, string policyId, string? csv, RequestOrigin origin, CancellationToken ct,
        Func<int, int, Task>? progress = null)
    {
        var policy = await policies.GetAsync(caller, policyId, Permission.UsersInvite, ct);
        if (policy.IsError) return policy.Error;
        var rows = EnrolmentCsv.Parse(csv);
        if (rows.IsError) return rows.Error;

        var open = new HashSet<string>(await store.OpenEmailsAsync(policyId, ct), StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var results = new List<CsvLineResult>(rows.Value.Count);
        var done = 0;
        foreach (var row in rows.Value)
        {
            results.Add(await InviteLineAsync(row, policy.Value, open, seen, caller, origin, ct));
            if (progress is not null) await progress(++done, rows.Value.Count);
        }
        var invited = results.Count(r => r.Invited);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "enrolment.csv-uploaded", $"enrolment-policy:{policyId}",
            System.Text.Json.JsonSerializer.Serialize(new { policy = policyId, lines = results.Count, invited, refused = results.Count - invited }), origin.Address), CancellationToken.None);
        return new CsvInviteReport(policyId, invited, results.Count - invited, results);
    }

    private async Task<CsvLineResult> InviteLineAsync(CsvRow row, EnrolmentPolicy policy, HashSet<string> open, Dictionary<string, int> seen,
        Caller caller, RequestOrigin origin, CancellationToken ct)
    {
        var rawEmail = row.Values.GetValueOrDefault("email");
        if (row.Problem is { } problem) return new CsvLineResult(row.Line, rawEmail, false, null, problem);
        var email = Fields.Email(rawEmail);
        if (email.IsError) return new CsvLineResult(row.Line, rawEmail, false, null, $"'{rawEmail}' is not a valid email address");
        if (seen.TryGetValue(email.Value, out var first)) return new CsvLineResult(row.Line, email.Value, false, null, $"{email.Value} already appears on line {first}");
        seen[email.Value] = row.Line;
        if (open.Contains(email.Value)) return new CsvLineResult(row.Line, email.Value, false, null, $"{email.Value} already has an open invitation under this policy");
        foreach (var field in EnrolmentFields.All)
        {
            if (row.Values.GetValueOrDefault(field) is { Length: > Fields.MaxName }) return new CsvLineResult(row.Line, email.Value, false, null, $"'{field}' may have at most {Fields.MaxName} characters");
        }

        var now = clock.GetUtcNow();
        var token = EnrolmentLinks.NewToken(EnrolmentLinks.EnrolPrefix);
        var invitation = new Invitation(Ids.New("inv"), policy.AccountId, policy.Id, email.Value, InvitationStatus.Invited, EnrolmentLinks.Hash(token),
            now + policy.LinkLifetime, caller.Actor, now, now)
        {
            GivenName = Blank(row.Values.GetValueOrDefault(EnrolmentFields.GivenName)),
            Surname = Blank(row.Values.GetValueOrDefault(EnrolmentFields.Surname)),
            OrganisationUnit = Blank(row.Values.GetValueOrDefault(EnrolmentFields.OrganisationUnit)),
        };
        await store.AddInvitationAsync(invitation, ct);
        open.Add(email.Value);
        await notifier.SendAsync(policy.AccountId, NotificationEvent.EnrolmentInvitation, email.Value, new Dictionary<string, string>
        {
            ["name"] = DisplayName(invitation), ["policy"] = policy.Name, ["enrolLink"] = $"{links.PortalUrl}/enrol/{token}",
            ["expiresAt"] = invitation.EnrolExpiresAt.ToString("u"), ["portalUrl"] = links.PortalUrl,
        }, ct);
        await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.invited", invitation, new { line = row.Line });
        return new CsvLineResult(row.Line, email.Value, true, invitation.Id, null);
    }

    internal static string DisplayName(Invitation i) =>
        string.Join(' ', new[] { i.GivenName, i.Surname }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : i.Email;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

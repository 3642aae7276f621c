using Castellan.Registration.Contracts;
using Castellan.Registration.Users;
using Castellan.Auditing;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>What the public registration page offers: the enabled services with their checklists and fees.</summary>
public sealed record OfferedService(string Id, string Name, IReadOnlyList<string> Checklist, decimal Fee, string Currency);

/// <summary>After registration: the number (shown once on the page too); the access code goes only to the mailbox.</summary>
public sealed record Registered(string ApplicationId, string Number, string Email);

/// <summary>
/// Seed 002 step 1, one-time registration: anyone names the Signatory (full name) and the email address the
/// certificate will carry, under an enabled service. The system draws the REGISTRATION NUMBER and the initial access
/// code and mails both to that address through the outbox (so the mailbox is proven before anything else happens);
/// only the code's hash is kept. docs/flows/registration-number-enrolment.md step 1.
/// </summary>
public sealed class RegisterApplicant(IRegistrationNumberStore store, INotificationOutbox outbox, Notifications.ActivationLinks links, IAuditLog audit, TimeProvider clock)
{
    public const int MaxFullName = 64;

    public async Task<IReadOnlyList<OfferedService>> OfferedAsync(CancellationToken ct) =>
        (await store.ListServicesAsync(null, ct)).Select(s => new OfferedService(s.Id, s.Name, s.Checklist, s.Fee, s.Currency)).ToList();

    public async Task<Result<Registered>> RegisterAsync(string? serviceId, string? fullName, string? email, string? address, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var service = string.IsNullOrWhiteSpace(serviceId) ? null : await store.GetServiceAsync(serviceId.Trim(), ct);
        if (service is not { Enabled: true }) errors.Add(new FieldError("serviceId", "choose the certificate type you apply for"));
        var name = fullName?.Trim() ?? "";
        // The name goes into the certificate subject (an X.520 name of at most 64 characters) and onto the PDF.
        if (name.Length is < 2 or > MaxFullName || name.Any(char.IsControl) || !name.Any(char.IsLetter))
            errors.Add(new FieldError("fullName", $"give the Signatory's full name (2 to {MaxFullName} characters)"));
        var mail = Fields.Email(email);
        if (mail.IsError) errors.Add(new FieldError("email", "give a valid email address; it is shown in the certificate"));
        if (errors.Count > 0) return new RegistrationFormInvalid(errors);

        var now = clock.GetUtcNow();
        var code = RegistrationNumbers.NewAccessCode();
        var hash = PasswordHasher.Hash(code);
        RegistrationApplication? application = null;
        // 50 random bits make a clash rare; the unique index makes it harmless: draw again.
        for (var attempt = 0; attempt < 5 && application is null; attempt++)
        {
            var candidate = new RegistrationApplication(Ids.New("rna"), RegistrationNumbers.NewNumber(), service!.AccountId, service.Id, name, mail.Value,
                RegistrationStatus.Registered, hash, now, now);
            if (await store.AddApplicationAsync(candidate, ct)) application = candidate;
        }
        if (application is null) return new Conflict("no registration number could be drawn; try again");

        await outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), application.Email, $"Your registration number {application.Number}",
            $"Hello {application.FullName},\n\nYou registered for \"{service!.Name}\".\n\nRegistration number: {application.Number}\n" +
            $"Initial access code: {code}\n\nSign in at {links.PortalUrl}/applicant/signin and change the access code; then follow the process " +
            "status and download your application documents from your personal profile.\n", now), ct);
        // The code itself is never audited or logged; the outbox keeps the message until it is sent, like activation links.
        await RegistrationNumbers.AuditAsync(audit, new RequestOrigin($"applicant:{application.Number}", address), "registration.registered", application,
            new { email = application.Email });
        return new Registered(application.Id, application.Number, application.Email);
    }
}

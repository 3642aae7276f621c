using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Users;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>
/// Seed 002 steps 1-2: the applicant signs in with the REGISTRATION NUMBER and access code, and changes the initial
/// code (required before anything else: the mailed one has sat in a mailbox). Wrong codes count like wrong passwords
/// (Users/Lockout.cs): after 5 the sign-in locks, doubling per further failure; a locked sign-in is refused without
/// checking the code, so the lock is no oracle. An unknown number costs the same hash as a known one and answers alike.
/// </summary>
public sealed class ApplicantAccess(IRegistrationNumberStore store, IAuditLog audit, TimeProvider clock)
{
    // Verified against for unknown numbers so both answers take the same time.
    private static readonly string DummyHash = PasswordHasher.Hash(RegistrationNumbers.NewAccessCode());

    public async Task<Result<RegistrationApplication>> SignInAsync(string? number, string? accessCode, string? address, CancellationToken ct)
    {
        var normalized = RegistrationNumbers.Normalize(number);
        if (normalized is null) return new RegistrationFormInvalid([new FieldError("number", "a registration number looks like RN-XXXXX-XXXXX")]);
        if (string.IsNullOrEmpty(accessCode) || accessCode.Length > PasswordHasher.MaxLength)
            return new RegistrationFormInvalid([new FieldError("accessCode", "enter your access code")]);
        var application = await store.FindByNumberAsync(normalized, ct);
        var origin = new RequestOrigin($"applicant:{normalized}", address);
        if (application is null)
        {
            PasswordHasher.Verify(accessCode, DummyHash);
            return new AccessCodeRefused(0);
        }
        var now = clock.GetUtcNow();
        if (application.LockedUntil is { } until && until > now)
        {
            await RegistrationNumbers.AuditAsync(audit, origin, "registration.sign-in-locked", application);
            return new AccessCodeLocked(until);
        }
        if (!PasswordHasher.Verify(accessCode.Trim(), application.AccessCodeHash))
        {
            var failures = application.FailedSignIns + 1;
            var lockedUntil = Lockout.LockAfter(failures, now);
            await store.RecordSignInAsync(application.Id, failures, lockedUntil, ct);
            await RegistrationNumbers.AuditAsync(audit, origin, "registration.sign-in-failed", application, new { failures, lockedUntil });
            return lockedUntil is { } l ? new AccessCodeLocked(l) : new AccessCodeRefused(Lockout.Threshold - failures);
        }
        if (application.FailedSignIns > 0 || application.LockedUntil is not null) await store.RecordSignInAsync(application.Id, 0, null, ct);
        await RegistrationNumbers.AuditAsync(audit, origin, "registration.signed-in", application);
        return application with { FailedSignIns = 0, LockedUntil = null };
    }

    /// <summary>
    /// Replaces the access code after checking the current one (a session alone cannot change it). The first change
    /// moves Registered -> AccessCodeChanged; the new code follows the password rules and may not be the current one.
    /// </summary>
    public async Task<Result<RegistrationApplication>> ChangeCodeAsync(string applicationId, string? currentCode, string? newCode, string? confirm, string? address,
        CancellationToken ct)
    {
        var application = await store.GetApplicationAsync(applicationId, ct);
        if (application is null) return new NotFound("application", "the application does not exist");
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(currentCode) || currentCode.Length > PasswordHasher.MaxLength || !PasswordHasher.Verify(currentCode.Trim(), application.AccessCodeHash))
            errors.Add(new FieldError("currentCode", "this is not your current access code"));
        if (PasswordHasher.CheckPolicy(newCode) is { } weak) errors.Add(new FieldError("newCode", weak.Detail));
        else if (PasswordHasher.Verify(newCode!, application.AccessCodeHash)) errors.Add(new FieldError("newCode", "choose a code you have not used: this is your current one"));
        if (newCode != confirm) errors.Add(new FieldError("confirmCode", "the two new codes differ"));
        if (errors.Count > 0) return new RegistrationFormInvalid(errors);

        var now = clock.GetUtcNow();
        var changed = application with
        {
            AccessCodeHash = PasswordHasher.Hash(newCode!), AccessCodeChangedAt = now, UpdatedAt = now,
            Status = application.Status == RegistrationStatus.Registered ? RegistrationStatus.AccessCodeChanged : application.Status,
        };
        // Conditional on the stage and the old hash: two changes racing with the same old code cannot both win.
        if (!await store.TransitionAsync(changed, application.Status, application.AccessCodeHash, ct))
            return new Conflict("the application changed meanwhile; sign in again");
        await RegistrationNumbers.AuditAsync(audit, new RequestOrigin($"applicant:{application.Number}", address), "registration.access-code-changed", changed);
        return changed;
    }
}

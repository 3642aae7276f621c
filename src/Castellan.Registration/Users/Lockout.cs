using Castellan.Registration.Contracts;

namespace Castellan.Registration.Users;

/// <summary>
/// Password sign-in lockout bookkeeping for the portal. After <see cref="Threshold"/> consecutive failures the login
/// is locked for <see cref="BaseLock"/>, doubling for every further failure up to <see cref="MaxLock"/> (so a
/// guesser gets a handful of tries per day while a person who mistyped waits minutes). A success resets the count.
/// A locked login is refused without checking the password, so the lock cannot be used as a password oracle.
/// </summary>
public static class Lockout
{
    public const int Threshold = 5;
    public static readonly TimeSpan BaseLock = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxLock = TimeSpan.FromHours(24);

    public static bool IsLocked(User user, DateTimeOffset now) => user.LockedUntil is { } until && until > now;

    public static User RecordFailure(User user, DateTimeOffset now)
    {
        var failures = user.FailedSignIns + 1;
        return LockAfter(failures, now) is { } until ? user with { FailedSignIns = failures, LockedUntil = until } : user with { FailedSignIns = failures };
    }

    /// <summary>Until when a login with <paramref name="failures"/> consecutive failures is locked; null below the threshold.</summary>
    public static DateTimeOffset? LockAfter(int failures, DateTimeOffset now)
    {
        if (failures < Threshold) return null;
        var doublings = Math.Min(failures - Threshold, 16);
        return now + TimeSpan.FromTicks(Math.Min(BaseLock.Ticks << doublings, MaxLock.Ticks));
    }

    public static User RecordSuccess(User user) => user with { FailedSignIns = 0, LockedUntil = null };
}

public enum SignInOutcome
{
    SignedIn,
    WrongPassword,
    Locked,
    NotActive,
}

/// <summary>The portal's password check: the outcome and the user with updated bookkeeping to store.</summary>
public static class PasswordSignIn
{
    public static (SignInOutcome Outcome, User Updated) Check(User user, string password, DateTimeOffset now)
    {
        if (user.Status != UserStatus.Active) return (SignInOutcome.NotActive, user);
        if (Lockout.IsLocked(user, now)) return (SignInOutcome.Locked, user);
        return PasswordHasher.Verify(password, user.PasswordHash)
            ? (SignInOutcome.SignedIn, Lockout.RecordSuccess(user))
            : (SignInOutcome.WrongPassword, Lockout.RecordFailure(user, now));
    }
}

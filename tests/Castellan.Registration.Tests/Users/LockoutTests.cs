using Castellan.Registration.Contracts;
using Castellan.Registration.Users;

namespace Castellan.Registration.Tests.Users;

public class LockoutTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Hash = PasswordHasher.Hash("the right password");

    private static User Active() => new("usr_1", "a@example.com", "A", null, UserStatus.Active, Hash, 0, null, Now);

    [Fact]
    public void Four_failures_count_but_do_not_lock_and_the_fifth_locks_for_five_minutes()
    {
        var user = Active();
        for (var i = 0; i < Lockout.Threshold - 1; i++) user = Lockout.RecordFailure(user, Now);
        Assert.Equal(4, user.FailedSignIns);
        Assert.False(Lockout.IsLocked(user, Now));
        user = Lockout.RecordFailure(user, Now);
        Assert.Equal(Now.AddMinutes(5), user.LockedUntil);
        Assert.True(Lockout.IsLocked(user, Now.AddMinutes(5).AddTicks(-1)));
        Assert.False(Lockout.IsLocked(user, Now.AddMinutes(5)));
    }

    [Fact]
    public void Each_further_failure_doubles_the_lock_up_to_a_day()
    {
        var user = Active();
        for (var i = 0; i < Lockout.Threshold; i++) user = Lockout.RecordFailure(user, Now);
        user = Lockout.RecordFailure(user, Now);
        Assert.Equal(Now.AddMinutes(10), user.LockedUntil);
        user = Lockout.RecordFailure(user, Now);
        Assert.Equal(Now.AddMinutes(20), user.LockedUntil);
        for (var i = 0; i < 40; i++) user = Lockout.RecordFailure(user, Now);
        Assert.Equal(Now.AddHours(24), user.LockedUntil);
    }

    [Fact]
    public void A_locked_login_is_refused_even_with_the_right_password_and_the_lock_is_kept()
    {
        var user = Active();
        for (var i = 0; i < Lockout.Threshold; i++) user = PasswordSignIn.Check(user, "wrong password!", Now).Updated;
        var (outcome, after) = PasswordSignIn.Check(user, "the right password", Now.AddMinutes(1));
        Assert.Equal(SignInOutcome.Locked, outcome);
        Assert.Equal(user, after);
    }

    [Fact]
    public void After_the_lock_expires_the_right_password_signs_in_and_resets_the_count()
    {
        var user = Active();
        for (var i = 0; i < Lockout.Threshold; i++) user = PasswordSignIn.Check(user, "wrong password!", Now).Updated;
        var (outcome, after) = PasswordSignIn.Check(user, "the right password", Now.AddMinutes(6));
        Assert.Equal(SignInOutcome.SignedIn, outcome);
        Assert.Equal(0, after.FailedSignIns);
        Assert.Null(after.LockedUntil);
    }

    [Fact]
    public void A_wrong_password_counts_and_an_inactive_login_is_refused_without_counting()
    {
        var (wrong, counted) = PasswordSignIn.Check(Active(), "not it at all", Now);
        Assert.Equal(SignInOutcome.WrongPassword, wrong);
        Assert.Equal(1, counted.FailedSignIns);
        var deactivated = Active() with { Status = UserStatus.Deactivated };
        var (refused, unchanged) = PasswordSignIn.Check(deactivated, "the right password", Now);
        Assert.Equal(SignInOutcome.NotActive, refused);
        Assert.Equal(0, unchanged.FailedSignIns);
    }
}

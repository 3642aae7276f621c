using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment.RegistrationNumber;
using Castellan.Registration.Users;
using UglyToad.PdfPig;

namespace Castellan.Registration.Tests.Enrollment.RegistrationNumber;

public sealed class RegistrationNumbersTests
{
    [Fact]
    public void NewNumber_draws_distinct_readable_numbers_that_normalize_to_themselves()
    {
        var numbers = Enumerable.Range(0, 2000).Select(_ => RegistrationNumbers.NewNumber()).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(numbers, n =>
        {
            Assert.Matches("^RN-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", n);
            Assert.Equal(n, RegistrationNumbers.Normalize(n));
        });
    }

    [Theory]
    [InlineData("rn-7k3qd-9m2xw", "RN-7K3QD-9M2XW")]
    [InlineData(" RN 7K3QD 9M2XW ", "RN-7K3QD-9M2XW")]
    [InlineData("7K3QD9M2XW", "RN-7K3QD-9M2XW")]
    [InlineData("RN-7K3QD-9M2X", null)]
    [InlineData("RN-7K3QD-9M2XI", null)]
    [InlineData("RN-7K3QD-9M2XWW", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Normalize_forgives_case_spaces_and_prefix_but_not_length_or_letters_outside_the_alphabet(string? typed, string? expected) =>
        Assert.Equal(expected, RegistrationNumbers.Normalize(typed));

    [Fact]
    public void NewAccessCode_meets_the_password_rules_and_is_stored_only_as_a_verifiable_hash()
    {
        var code = RegistrationNumbers.NewAccessCode();
        Assert.Matches("^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$", code);
        Assert.Null(PasswordHasher.CheckPolicy(code));
        var hash = PasswordHasher.Hash(code);
        Assert.DoesNotContain(code, hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify(code, hash));
        Assert.False(PasswordHasher.Verify(RegistrationNumbers.NewAccessCode(), hash));
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(40, true)]
    public void LockAfter_locks_from_the_threshold_and_never_longer_than_the_maximum(int failures, bool locked)
    {
        var now = DateTimeOffset.UnixEpoch;
        var until = Lockout.LockAfter(failures, now);
        Assert.Equal(locked, until is not null);
        if (until is { } u) Assert.InRange(u - now, Lockout.BaseLock, Lockout.MaxLock);
    }

    [Fact]
    public void ApplicationForms_fill_in_the_number_name_checklist_and_fee_and_print_what_is_not_ASCII_as_question_marks()
    {
        var service = new RegistrationService("rns_1", "acc_1", "Qualified signature", "prd_smime", ["Signed application", "Notarised ID copy"], 25m, "EUR", true, "x", DateTimeOffset.UnixEpoch);
        var application = new RegistrationApplication("rna_1", "RN-7K3QD-9M2XW", "acc_1", "rns_1", "Zoë Иванова", "zoe@example.com", RegistrationStatus.AccessCodeChanged,
            "hash", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        using var pdf = PdfDocument.Open(ApplicationForms.Build(application, service, DateTimeOffset.UnixEpoch));
        Assert.Equal(2, pdf.NumberOfPages);
        var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
        Assert.Contains("RN-7K3QD-9M2XW", text, StringComparison.Ordinal);
        Assert.Contains("Signatory (full name): Zo? ???????", text, StringComparison.Ordinal);
        Assert.Contains("Notarised ID copy", text, StringComparison.Ordinal);
        Assert.Contains("25.00 EUR", text, StringComparison.Ordinal);
        Assert.Contains("zoe@example.com", text, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Castellan.Registration.Users;

namespace Castellan.Registration.Tests.Users;

public class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public void Hash_then_Verify_accepts_the_password_and_refuses_others()
    {
        var hash = PasswordHasher.Hash(Password);
        Assert.True(PasswordHasher.Verify(Password, hash));
        Assert.False(PasswordHasher.Verify(Password + "!", hash));
        Assert.False(PasswordHasher.Verify("Correct horse battery staple", hash));
    }

    [Fact]
    public void Hash_is_PBKDF2_SHA256_with_at_least_600k_iterations_and_a_fresh_salt()
    {
        var a = PasswordHasher.Hash(Password);
        var b = PasswordHasher.Hash(Password);
        Assert.NotEqual(a, b);
        var parts = a.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], CultureInfo.InvariantCulture) >= 600_000, parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        // The stored key is exactly PBKDF2-HMAC-SHA256(password, salt, iterations), so any implementation can check it.
        var expected = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), Convert.FromBase64String(parts[2]), int.Parse(parts[1], CultureInfo.InvariantCulture), HashAlgorithmName.SHA256, 32);
        Assert.Equal(Convert.ToBase64String(expected), parts[3]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain-text")]
    [InlineData("pbkdf2-sha256$600000$bm90YmFzZTY0$")]
    [InlineData("pbkdf2-sha256$x$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("md5$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_refuses_anything_it_did_not_write(string? stored) => Assert.False(PasswordHasher.Verify(Password, stored));

    [Fact]
    public void Verify_refuses_a_hash_with_one_changed_byte()
    {
        var parts = PasswordHasher.Hash(Password).Split('$');
        var key = Convert.FromBase64String(parts[3]);
        key[0] ^= 1;
        Assert.False(PasswordHasher.Verify(Password, string.Join('$', parts[0], parts[1], parts[2], Convert.ToBase64String(key))));
    }

    [Fact]
    public void Older_hashes_with_fewer_iterations_still_verify_and_ask_for_a_rehash()
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), salt, 10_000, HashAlgorithmName.SHA256, 32);
        var old = $"pbkdf2-sha256$10000${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}";
        Assert.True(PasswordHasher.Verify(Password, old));
        Assert.True(PasswordHasher.NeedsRehash(old));
        Assert.False(PasswordHasher.NeedsRehash(PasswordHasher.Hash(Password)));
    }

    [Theory]
    [InlineData("short", "password-length")]
    [InlineData("aaaaaaaaaaaaaaaa", "password-weak")]
    [InlineData("abababababababab", "password-weak")]
    public void CheckPolicy_refuses_short_or_repetitive_passwords(string password, string rule) =>
        Assert.Equal(rule, Assert.IsType<PolicyViolation>(PasswordHasher.CheckPolicy(password)).Rule);

    [Fact]
    public void CheckPolicy_refuses_overlong_and_control_characters_and_accepts_a_passphrase()
    {
        Assert.IsType<MalformedInput>(PasswordHasher.CheckPolicy(new string('x', 120) + "abcdefghij"));
        Assert.IsType<MalformedInput>(PasswordHasher.CheckPolicy("good password\0here"));
        Assert.Null(PasswordHasher.CheckPolicy(Password));
    }
}

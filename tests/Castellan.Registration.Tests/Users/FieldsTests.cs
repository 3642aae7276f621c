using Castellan.Registration.Users;

namespace Castellan.Registration.Tests.Users;

public class FieldsTests
{
    [Theory]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("  bob.smith+tag@sub.example.org ", "bob.smith+tag@sub.example.org")]
    public void Email_normalises_valid_addresses(string input, string expected) => Assert.Equal(expected, Fields.Email(input).Value);

    [Theory]
    [InlineData("")]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("alice@localhost")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("alice@example.com, bob@example.com")]
    [InlineData("ali ce@example.com")]
    [InlineData("alice@example.com\r\nBcc: eve@example.com")]
    [InlineData("alice@example.com.")]
    public void Email_refuses_what_is_not_one_plain_address(string input) => Assert.IsType<MalformedInput>(Fields.Email(input).Error);

    [Fact]
    public void Email_refuses_overlong_local_parts_and_addresses()
    {
        Assert.True(Fields.Email(new string('a', 64) + "@example.com").IsError is false);
        Assert.IsType<MalformedInput>(Fields.Email(new string('a', 65) + "@example.com").Error);
        Assert.IsType<MalformedInput>(Fields.Email("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".com").Error);
    }

    [Fact]
    public void Name_bounds_length_and_refuses_control_characters()
    {
        Assert.Equal("Ada Lovelace", Fields.Name("  Ada Lovelace ", "name").Value);
        Assert.IsType<MalformedInput>(Fields.Name(new string('n', 201), "name").Error);
        Assert.IsType<MalformedInput>(Fields.Name("Ada\u0007", "name").Error);
        Assert.IsType<MalformedInput>(Fields.Name("  ", "name").Error);
    }
}

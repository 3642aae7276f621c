using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment;

namespace Castellan.Registration.Tests.Enrollment;

public class EnrolmentCsvTests
{
    [Theory]
    [InlineData("EMAIL,Given_Name\r\na@example.com,Ann\r\n", "a@example.com", "Ann")]
    [InlineData("\uFEFFgiven_name,email\na@example.com_not_used,x\n", "x", "a@example.com_not_used")]
    [InlineData("email,given_name\n\"a@example.com\",\"Lee, \"\"Ann\"\"\"\n", "a@example.com", "Lee, \"Ann\"")]
    [InlineData("email,given_name\na@example.com,\"two\nlines\"", "a@example.com", "two\nlines")]
    public void Parse_header_in_any_order_and_RFC4180_quoting_reads_the_values(string csv, string email, string given)
    {
        var rows = EnrolmentCsv.Parse(csv);
        Assert.False(rows.IsError, rows.IsError ? rows.Error.Detail : "");
        var row = Assert.Single(rows.Value);
        Assert.Equal(email, row.Values["email"]);
        Assert.Equal(given, row.Values[EnrolmentFields.GivenName]);
        Assert.Equal(2, row.Line);
    }

    [Fact]
    public void Parse_numbers_lines_as_the_file_does_even_after_a_quoted_line_break_and_blank_lines()
    {
        var rows = EnrolmentCsv.Parse("email,surname\na@example.com,\"x\ny\"\n\nb@example.com,z\nc@example.com\n").Value;
        Assert.Equal([2, 5, 6], rows.Select(r => r.Line));
        Assert.Null(rows[1].Problem);
        Assert.Equal("expected 2 fields, found 1", rows[2].Problem);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("email,phone\n", "unknown column 'phone'")]
    [InlineData("surname\nLee\n", "must name an 'email' column")]
    [InlineData("email,ou,organisation_unit\n", "appears twice")]
    [InlineData("email\n\"a@example.com\n", "never closed")]
    public void Parse_refuses_the_whole_file_for_a_bad_header(string csv, string detail)
    {
        var rows = EnrolmentCsv.Parse(csv);
        Assert.True(rows.IsError);
        Assert.IsType<MalformedInput>(rows.Error);
        Assert.Contains(detail, rows.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_refuses_more_rows_or_bytes_than_one_upload_holds()
    {
        var rows = "email\n" + string.Concat(Enumerable.Range(0, EnrolmentCsv.MaxRows + 1).Select(i => $"{i}@e.io\n"));
        Assert.IsType<CsvTooLarge>(EnrolmentCsv.Parse(rows).Error);
        Assert.False(EnrolmentCsv.Parse("email\n" + string.Concat(Enumerable.Range(0, EnrolmentCsv.MaxRows).Select(i => $"{i}@e.io\n"))).IsError);
        Assert.IsType<CsvTooLarge>(EnrolmentCsv.Parse("email\n" + new string('a', EnrolmentCsv.MaxBytes)).Error);
    }
}

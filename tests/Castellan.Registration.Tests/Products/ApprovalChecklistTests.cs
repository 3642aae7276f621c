using Castellan.Registration.Contracts;
using Castellan.Registration.Products;

namespace Castellan.Registration.Tests.Products;

public class ApprovalChecklistTests
{
    private static Product Product(ApprovalMode mode, string? criteria) =>
        new("prd_t", "acc_t", "Test", "tls-server", null, 90, 0, "USD", false, mode, criteria, 1, 0, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("a; b\nc", new[] { "a", "b", "c" })]
    [InlineData("a\r\n\r\n b ;;a", new[] { "a", "b" })]
    [InlineData("  ", new string[0])]
    [InlineData(null, new string[0])]
    public void Parse_splits_on_lines_and_semicolons_dropping_blanks_and_repeats(string? criteria, string[] items) =>
        Assert.Equal(items, ApprovalChecklist.Parse(criteria));

    [Theory]
    [InlineData(ApprovalMode.Automatic)]
    [InlineData(ApprovalMode.Api)]
    public void Items_is_empty_unless_a_person_approves(ApprovalMode mode) => Assert.Empty(ApprovalChecklist.Items(Product(mode, "a; b")));

    [Fact]
    public void Check_names_only_the_missing_items_and_records_the_products_own_wording()
    {
        var product = Product(ApprovalMode.Manual, "Names checked; ID checked; Paid");
        var refused = ApprovalChecklist.Check(product, ["ID checked", "something else"]);
        var missing = Assert.IsType<ChecklistIncomplete>(refused.Error);
        Assert.Equal(["Names checked", "Paid"], missing.Missing);
        Assert.Equal("checkedItems", missing.Field);

        var ok = ApprovalChecklist.Check(product, [" Paid ", "ID checked", "Names checked", "extra"]);
        Assert.Equal(["Names checked", "ID checked", "Paid"], ok.Value);
    }

    [Fact]
    public void Check_with_no_checklist_accepts_no_ticks() => Assert.Empty(ApprovalChecklist.Check(Product(ApprovalMode.Manual, null), null).Value);
}

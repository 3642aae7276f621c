using Castellan.Billing.Contracts;

namespace Castellan.Billing.Tests;

/// <summary>STYLE.md section 2: Core &lt;- Billing, and roles never reference EF Core, ASP.NET Core or another role.</summary>
public class DependencyTests
{
    [Fact]
    public void Billing_references_only_Core_among_Castellan_assemblies_and_no_EF_or_ASP_NET_Core()
    {
        var references = typeof(Money).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Castellan.Core", references);
        Assert.DoesNotContain(references, r => r.StartsWith("Castellan.", StringComparison.Ordinal) && r != "Castellan.Core");
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}

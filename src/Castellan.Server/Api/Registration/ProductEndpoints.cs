using Castellan.Registration.Products;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

internal static class ProductEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/products", async (string? account, HttpContext http, ProductService products, CancellationToken ct) =>
        {
            var list = await products.ListAsync(http.Caller(), account, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(ProductView.From));
        }).RequirePermission(Permission.DashboardView).WithTags("Products").WithSummary("The built-in products and the private products of an account (the caller's by default)");

        api.MapGet("/products/{id}", async (string id, HttpContext http, ProductService products, CancellationToken ct) =>
        {
            var product = await products.GetAsync(http.Caller(), id, ct);
            return product.IsError ? ProblemResults.From(product.Error) : Results.Ok(ProductView.From(product.Value));
        }).RequirePermission(Permission.DashboardView).WithTags("Products").WithSummary("One product, if built-in or private to an account the caller sees");

        api.MapPost("/accounts/{id}/products", async (string id, CreateProductRequest? body, HttpContext http, ProductService products, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await products.CreateAsync(http.Caller(), id, body, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/products/{created.Value.Id}", ProductView.From(created.Value));
        }).RequirePermission(Permission.ProductsManage).WithTags("Products").WithSummary("Create a private product of an account: a CA profile sold for a validity at a yearly price");

        api.MapPatch("/products/{id}", async (string id, EditProductRequest? body, HttpContext http, ProductService products, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var edited = await products.EditAsync(http.Caller(), id, body, http.Origin(), ct);
            return edited.IsError ? ProblemResults.From(edited.Error) : Results.Ok(ProductView.From(edited.Value));
        }).RequirePermission(Permission.ProductsManage).WithTags("Products")
          .WithSummary("Edit a private product: name, validityDays (within the profile), pricePerYearMinor, approvalMode, approvalCriteria; the next orders use them");

        api.MapPost("/products/{id}/disable", async (string id, HttpContext http, ProductService products, CancellationToken ct) =>
        {
            var disabled = await products.DisableAsync(http.Caller(), id, http.Origin(), ct);
            return disabled.IsError ? ProblemResults.From(disabled.Error) : Results.Ok(ProductView.From(disabled.Value));
        }).RequirePermission(Permission.ProductsManage).WithTags("Products").WithSummary("Disable a private product: it takes no new orders; orders placed before are unaffected");
    }
}

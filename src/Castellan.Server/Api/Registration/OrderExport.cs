using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Server.Api.Problems;
using MiniExcelLibs;

namespace Castellan.Server.Api.Registration;

/// <summary>
/// GET /orders/export.xlsx: every order GET /orders would list with the same filters, one row each (<see cref="OrderSheet"/>,
/// the portal's export writes the same rows). Rows are read page by page and written by MiniExcel as they come, into a
/// temporary file that is deleted when the response is sent (an xlsx is a zip whose directory is written last, and
/// Kestrel forbids the synchronous writes the zip writer makes), so memory stays flat however many orders there are.
/// </summary>
internal static class OrderExport
{
    private const int PageSize = OrderSheet.PageSize;

    public static async Task<IResult> ExportAsync(HttpContext http, OrderSearch search, CancellationToken ct)
    {
        var query = OrderSearchQuery.Parse(http.Request.Query);
        if (query.IsError) return ProblemResults.From(query.Error);
        var q = query.Value;
        var caller = http.Caller();
        // The first page checks access and the filters, so a refusal is a problem document and not a broken file.
        var first = await search.SearchAsync(caller, q.Account, q.Status, q.Product, q.Filter, 0, PageSize, ct);
        if (first.IsError) return ProblemResults.From(first.Error);
        if (first.Value.Total > OrderSearch.MaxExportRows)
            return ProblemResults.From(new PolicyViolation("export.size", $"{first.Value.Total} orders match; narrow the filters to at most {OrderSearch.MaxExportRows}"));
        var fields = await search.ExportFieldsAsync(caller, q.Account, ct);

        var path = Path.Combine(Path.GetTempPath(), $"castellan-export-{Guid.NewGuid():N}.xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await file.SaveAsAsync(OrderSheet.RowsAsync(search, caller, q.Account, q.Status, q.Product, q.Filter, first.Value.Items, fields, null, ct), sheetName: "Orders", excelType: ExcelType.XLSX, cancellationToken: ct);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return Results.File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"orders-{DateTime.UtcNow:yyyyMMdd-HHmmss}.xlsx");
    }
}

using Castellan.Portal.Session;
using Castellan.Registration.Contracts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Castellan.Portal.Orders.Actions;

/// <summary>
/// What every order action dialog shares: the order and the caller it acts for, the request origin for the audit
/// trail, and how it ends (closed with what to tell the order page, or cancelled).
/// </summary>
public abstract class OrderActionDialog : ComponentBase
{
    [Parameter, EditorRequired] public Order Order { get; set; } = null!;
    [Parameter, EditorRequired] public Caller Caller { get; set; } = null!;
    [CascadingParameter] private ClientOrigin Origin { get; set; } = new(null);
    [CascadingParameter] private IMudDialogInstance Instance { get; set; } = null!;

    protected RequestOrigin RequestOrigin => new(Caller.Actor, Origin.Address);

    protected void Cancel() => Instance.Cancel();

    protected void Finish(OrderActionDone done) => Instance.Close(DialogResult.Ok(done));

    /// <summary>A new idempotency key per dialog: a double click or a retry after a lost answer places one order, not two.</summary>
    protected static string NewIdempotencyKey() => "portal-" + Guid.NewGuid().ToString("N");
}

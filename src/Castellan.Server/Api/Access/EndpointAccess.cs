using Castellan.Registration.Roles;

namespace Castellan.Server.Api;

/// <summary>Endpoint metadata: the permission a caller's role must hold.</summary>
internal sealed record RequiredPermission(Permission Permission);

/// <summary>Endpoint metadata: only operator staff in one of these roles.</summary>
internal sealed record RequiredOperatorRole(IReadOnlySet<string> Roles);

/// <summary>Endpoint metadata: any signed-in caller (the caller's own things, e.g. its second factor); the RA checks the rest.</summary>
internal sealed record AnyCaller;

internal static class EndpointAccess
{
    /// <summary>Declares an endpoint about the caller itself, open to every authenticated caller.</summary>
    public static TBuilder RequireAnyCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnyCaller());

    /// <summary>Declares the permission this endpoint needs; <see cref="ApiKeyAuthentication"/> enforces it.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredPermission(permission));

    /// <summary>Declares an operator-only endpoint and which operator roles may use it.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder, params Role[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredOperatorRole(roles.Select(r => r.Id).ToHashSet()));
}

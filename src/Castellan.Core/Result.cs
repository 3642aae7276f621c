using System.Diagnostics.CodeAnalysis;

namespace Castellan;

/// <summary>Either a value or a <see cref="CastellanError"/>; expected failures travel as values, not exceptions.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;
    private readonly CastellanError? _error;

    private Result(T? value, CastellanError? error)
    {
        _value = value;
        _error = error;
    }

    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsError => _error is not null;

    public CastellanError? Error => _error;

    public T Value => _error is null ? _value! : throw new InvalidOperationException($"Result holds an error: {_error.Detail}");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(CastellanError error) => new(default, error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsError ? Error : map(Value);
}

using Castellan.Authority.Contracts;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace Castellan.Authority.Ocsp;

/// <summary>
/// Lets BouncyCastle's OCSP generator sign through key custody: BouncyCastle encodes ResponseData, the key store
/// signs it (in the HSM when the key lives there). .NET's ECDSA is also about four times faster than BouncyCastle's.
/// </summary>
internal sealed class CustodySignatureFactory(CaSigningKey key) : ISignatureFactory
{
    public object AlgorithmDetails { get; } = AlgorithmIdentifier.GetInstance(key.SignatureAlgorithmIdentifier.ToArray());

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(key);

    private sealed class Calculator(CaSigningKey key) : IStreamCalculator<IBlockResult>
    {
        private readonly MemoryStream _buffer = new(512);

        public Stream Stream => _buffer;

        public IBlockResult GetResult() => new SimpleBlockResult(key.Sign(_buffer.ToArray()));
    }
}

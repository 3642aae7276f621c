using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using Castellan.Authority.KeyStores.Software;

namespace Castellan.Authority.Tests.KeyStores.Software;

/// <summary>
/// RFC 6979 appendix A.2.5 (P-256), A.2.6 (P-384) and A.2.7 (P-521): the key pairs and, for each message and hash,
/// the RFC's k, r and s, copied from the RFC text. Besides the natural pairings, the vectors include a hash longer
/// than the order (P-256 with SHA-512, P-384 with SHA-512: bits2int truncates) and shorter (P-384 with SHA-256, P-521
/// with SHA-256 and SHA-512: bits2octets pads; qlen = 521 is not a whole number of bytes).
/// </summary>
public sealed class Rfc6979VectorsTests
{
    public sealed record Curve(string Name, ECCurve EcCurve, string Q, int Qlen, string X, string Ux, string Uy);

    private static readonly Curve P256 = new("P-256", ECCurve.NamedCurves.nistP256,
        Q: "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", Qlen: 256,
        X: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        Ux: "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
        Uy: "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");

    private static readonly Curve P384 = new("P-384", ECCurve.NamedCurves.nistP384,
        Q: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", Qlen: 384,
        X: "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
        Ux: "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
        Uy: "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720");

    private static readonly Curve P521 = new("P-521", ECCurve.NamedCurves.nistP521,
        Q: "1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", Qlen: 521,
        X: "0FAD06DAA62BA3B25D2FB40133DA757205DE67F5BB0018FEE8C86E1B68C7E75CAA896EB32F1F47C70855836A6D16FCC1466F6D8FBEC67DB89EC0C08B0E996B83538",
        Ux: "1894550D0785932E00EAA23B694F213F8C3121F86DC97A04E5A7167DB4E5BCD371123D46E45DB6B5D5370A7F20FB633155D38FFA16D2BD761DCAC474B9A2F5023A4",
        Uy: "0493101C962CD4D2FDDF782285E64584139C2F91B47F87FF82354D6630F746A28A0DB25741B5B34A828008B22ACC23F924FAAFBD4D33F81EA66956DFEAA2BFDFCF5");

    /// <summary>curve, hash, message, k, r, s.</summary>
    public static TheoryData<string, string, string, string, string, string> Vectors => new()
    {
        // A.2.5
        { "P-256", "SHA256", "sample",
          "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
          "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
          "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8" },
        { "P-256", "SHA256", "test",
          "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
          "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
          "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083" },
        { "P-256", "SHA512", "sample",
          "5FA81C63109BADB88C1F367B47DA606DA28CAD69AA22C4FE6AD7DF73A7173AA5",
          "8496A60B5E9B47C825488827E0495B0E3FA109EC4568FD3F8D1097678EB97F00",
          "2362AB1ADBE2B8ADF9CB9EDAB740EA6049C028114F2460F96554F61FAE3302FE" },
        { "P-256", "SHA512", "test",
          "6915D11632ACA3C40D5D51C08DAF9C555933819548784480E93499000D9F0B7F",
          "461D93F31B6540894788FD206C07CFA0CC35F46FA3C91816FFF1040AD1581A04",
          "39AF9F15DE0DB8D97E72719C74820D304CE5226E32DEDAE67519E840D1194E55" },
        // A.2.6
        { "P-384", "SHA384", "sample",
          "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
          "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
          "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8" },
        { "P-384", "SHA384", "test",
          "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
          "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
          "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5" },
        { "P-384", "SHA256", "sample",
          "180AE9F9AEC5438A44BC159A1FCB277C7BE54FA20E7CF404B490650A8ACC414E375572342863C899F9F2EDF9747A9B60",
          "21B13D1E013C7FA1392D03C5F99AF8B30C570C6F98D4EA8E354B63A21D3DAA33BDE1E888E63355D92FA2B3C36D8FB2CD",
          "F3AA443FB107745BF4BD77CB3891674632068A10CA67E3D45DB2266FA7D1FEEBEFDC63ECCD1AC42EC0CB8668A4FA0AB0" },
        { "P-384", "SHA512", "test",
          "3780C4F67CB15518B6ACAE34C9F83568D2E12E47DEAB6C50A4E4EE5319D1E8CE0E2CC8A136036DC4B9C00E6888F66B6C",
          "A0D5D090C9980FAF3C2CE57B7AE951D31977DD11C775D314AF55F76C676447D06FB6495CD21B4B6E340FC236584FB277",
          "976984E59B4C77B0E8E4460DCA3D9F20E07B9BB1F63BEEFAF576F6B2E8B224634A2092CD3792E0159AD9CEE37659C736" },
        // A.2.7
        { "P-521", "SHA512", "sample",
          "1DAE2EA071F8110DC26882D4D5EAE0621A3256FC8847FB9022E2B7D28E6F10198B1574FDD03A9053C08A1854A168AA5A57470EC97DD5CE090124EF52A2F7ECBFFD3",
          "0C328FAFCBD79DD77850370C46325D987CB525569FB63C5D3BC53950E6D4C5F174E25A1EE9017B5D450606ADD152B534931D7D4E8455CC91F9B15BF05EC36E377FA",
          "0617CCE7CF5064806C467F678D3B4080D6F1CC50AF26CA209417308281B68AF282623EAA63E5B5C0723D8B8C37FF0777B1A20F8CCB1DCCC43997F1EE0E44DA4A67A" },
        { "P-521", "SHA512", "test",
          "16200813020EC986863BEDFC1B121F605C1215645018AEA1A7B215A564DE9EB1B38A67AA1128B80CE391C4FB71187654AAA3431027BFC7F395766CA988C964DC56D",
          "13E99020ABF5CEE7525D16B69B229652AB6BDF2AFFCAEF38773B4B7D08725F10CDB93482FDCC54EDCEE91ECA4166B2A7C6265EF0CE2BD7051B7CEF945BABD47EE6D",
          "1FBD0013C674AA79CB39849527916CE301C66EA7CE8B80682786AD60F98F7E78A19CA69EFF5C57400E3B3A0AD66CE0978214D13BAF4E9AC60752F7B155E2DE4DCE3" },
        { "P-521", "SHA256", "sample",
          "0EDF38AFCAAECAB4383358B34D67C9F2216C8382AAEA44A3DAD5FDC9C32575761793FEF24EB0FC276DFC4F6E3EC476752F043CF01415387470BCBD8678ED2C7E1A0",
          "1511BB4D675114FE266FC4372B87682BAECC01D3CC62CF2303C92B3526012659D16876E25C7C1E57648F23B73564D67F61C6F14D527D54972810421E7D87589E1A7",
          "04A171143A83163D6DF460AAF61522695F207A58B95C0644D87E52AA1A347916E4F7A72930B1BC06DBE22CE3F58264AFD23704CBB63B29B931F7DE6C9D949A7ECFC" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void SignData_gives_the_RFCs_r_and_s(string curve, string hash, string message, string k, string r, string s)
    {
        _ = k;
        var c = CurveNamed(curve);
        using var key = ECDsa.Create(Parameters(c));
        var signer = DeterministicEcdsa.TryCreate(key);
        Assert.NotNull(signer);

        var signature = signer.SignData(System.Text.Encoding.ASCII.GetBytes(message), new HashAlgorithmName(hash));

        var (actualR, actualS) = ReadSignature(signature);
        Assert.Equal(Integer(r), actualR);
        Assert.Equal(Integer(s), actualS);
        Assert.True(key.VerifyData(System.Text.Encoding.ASCII.GetBytes(message), signature, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Rfc6979Nonce_first_k_is_the_RFCs_k(string curve, string hash, string message, string k, string r, string s)
    {
        _ = (r, s);
        var c = CurveNamed(curve);
        var rlen = (c.Qlen + 7) / 8;
        var h1 = CryptographicOperations.HashData(new HashAlgorithmName(hash), System.Text.Encoding.ASCII.GetBytes(message));
        var state = new byte[Rfc6979Nonce.StateLength(c.Qlen)];
        var managed = new byte[rlen];
        var native = new byte[rlen];

        var nonce = new Rfc6979Nonce(new HashAlgorithmName(hash), Bytes(c.Q, rlen), c.Qlen, Bytes(c.X, rlen), h1, state);
        nonce.Next(managed);
        using (var hmac = new NativeHmac(new HashAlgorithmName(hash)))
        {
            var withLibcrypto = new Rfc6979Nonce(new HashAlgorithmName(hash), Bytes(c.Q, rlen), c.Qlen, Bytes(c.X, rlen), h1, state, hmac);
            withLibcrypto.Next(native);
        }

        Assert.Equal(Convert.ToHexString(Bytes(k, rlen)), Convert.ToHexString(managed));
        Assert.Equal(Convert.ToHexString(Bytes(k, rlen)), Convert.ToHexString(native));
    }

    [Fact]
    public void Rfc6979Nonce_next_k_after_a_rejected_one_follows_step_h3_the_same_way_with_both_HMACs()
    {
        // The RFC has no vector for a rejected k; both HMAC paths must at least agree on the second, and differ from the first.
        var h1 = SHA256.HashData("sample"u8);
        var state = new byte[Rfc6979Nonce.StateLength(256)];
        var (first, second, nativeSecond) = (new byte[32], new byte[32], new byte[32]);
        var nonce = new Rfc6979Nonce(HashAlgorithmName.SHA256, Bytes(P256.Q, 32), 256, Bytes(P256.X, 32), h1, state);
        nonce.Next(first);
        nonce.Next(second);
        using var hmac = new NativeHmac(HashAlgorithmName.SHA256);
        var withLibcrypto = new Rfc6979Nonce(HashAlgorithmName.SHA256, Bytes(P256.Q, 32), 256, Bytes(P256.X, 32), h1, new byte[state.Length], hmac);
        withLibcrypto.Next(new byte[32]);
        withLibcrypto.Next(nativeSecond);

        Assert.Equal(second, nativeSecond);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Bits2Int_keeps_the_leftmost_qlen_bits()
    {
        // RFC 6979 A.1.2 uses qlen = 163: a 256-bit SHA-256 output keeps its leftmost 163 bits.
        var digest = SHA256.HashData("sample"u8);
        var expected = new BigInteger(digest, isUnsigned: true, isBigEndian: true) >> (256 - 163);
        var output = new byte[21];

        Rfc6979Nonce.Bits2Int(digest, 163, output);

        Assert.Equal(expected, new BigInteger(output, isUnsigned: true, isBigEndian: true));
    }

    private static Curve CurveNamed(string name) => name switch { "P-256" => P256, "P-384" => P384, _ => P521 };

    internal static ECParameters Parameters(Curve c)
    {
        var rlen = (c.Qlen + 7) / 8;
        return new ECParameters { Curve = c.EcCurve, D = Bytes(c.X, rlen), Q = new ECPoint { X = Bytes(c.Ux, rlen), Y = Bytes(c.Uy, rlen) } };
    }

    internal static ECParameters P256Parameters => Parameters(P256);

    // The RFC writes values as hex of ceil(qlen/4) digits (131 for P-521); left-pad them to whole bytes.
    private static byte[] Bytes(string hex, int length) => Convert.FromHexString(hex.PadLeft(2 * length, '0'));

    private static BigInteger Integer(string hex) => BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber, null);

    internal static (BigInteger R, BigInteger S) ReadSignature(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var r = sequence.ReadInteger();
        var s = sequence.ReadInteger();
        sequence.ThrowIfNotEmpty();
        reader.ThrowIfNotEmpty();
        return (r, s);
    }
}

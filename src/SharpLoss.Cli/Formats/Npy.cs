using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SharpLoss.Cli.Formats;

/// <summary>
/// NumPy's <c>.npy</c> format, versions 1.0, 2.0 and 3.0, read strictly: little-endian float32, float64, int32, int64 or
/// bool in C order; the header's dictionary must hold exactly <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, and the
/// data must be exactly as long as the shape says.
/// </summary>
internal static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The parsed header of an .npy stream.</summary>
    internal sealed record Header(DType DType, long[] Shape, long DataOffset)
    {
        public long Count => Shape.Aggregate(1L, (a, b) => checked(a * b));

        public long RowElements => Shape.Length == 0 ? 1 : Shape.Skip(1).Aggregate(1L, (a, b) => checked(a * b));
    }

    /// <summary>Reads the header at the stream's position; the stream is left at the first data byte.</summary>
    public static Header ReadHeader(Stream s, string what)
    {
        Span<byte> pre = stackalloc byte[8];
        if (ReadAtMost(s, pre) < 8 || !pre[..6].SequenceEqual(Magic))
        {
            throw new CliException($"{what}: not a NumPy .npy file (no \\x93NUMPY magic).");
        }

        int major = pre[6];
        int headerLength;
        int prefix;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            ReadExactly(s, len, what, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
            prefix = 10;
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            ReadExactly(s, len, what, "the header length");
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (n > 1 << 20)
            {
                throw new CliException($"{what}: corrupt .npy header (a header of {n} bytes).");
            }

            headerLength = (int)n;
            prefix = 12;
        }
        else
        {
            throw new CliException($"{what}: unsupported .npy format version {major}.{pre[7]} (expected 1.0, 2.0 or 3.0).");
        }

        byte[] header = new byte[headerLength];
        ReadExactly(s, header, what, "the header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        (DType dtype, bool fortran, long[] shape) = ParseDict(text, what);
        if (fortran)
        {
            throw new CliException($"{what}: Fortran-order (column-major) arrays are not supported; save it in C order (np.ascontiguousarray).");
        }

        return new Header(dtype, shape, prefix + headerLength);
    }

    /// <summary>Reads a whole .npy stream.</summary>
    public static NdArray Read(Stream s, string what, long? length)
    {
        Header h = ReadHeader(s, what);
        long bytes = checked(h.Count * NdArray.SizeOf(h.DType));
        if (length is long total && total != h.DataOffset + bytes)
        {
            throw new CliException(total < h.DataOffset + bytes
                ? $"{what}: truncated .npy file: shape {NdArray.ShapeText(h.Shape)} of {NdArray.Name(h.DType)} needs {bytes} data bytes, the file has {total - h.DataOffset}."
                : $"{what}: corrupt .npy file: {total - h.DataOffset - bytes} bytes after the data that shape {NdArray.ShapeText(h.Shape)} describes.");
        }

        if (h.Count > Array.MaxLength)
        {
            throw new CliException($"{what}: {h.Count} elements do not fit in one array; stream it instead.");
        }

        var a = new NdArray(h.DType, h.Shape, NdArray.Allocate(h.DType, h.Count));
        ReadExactly(s, a.Bytes(), what, "the data");
        CheckBools(a, what);
        return a;
    }

    /// <summary>Rejects bool bytes other than 0 and 1 (NumPy writes only those).</summary>
    public static void CheckBools(NdArray a, string what)
    {
        if (a.DType == DType.Bool && a.Bytes().IndexOfAnyExcept((byte)0, (byte)1) is int i and >= 0)
        {
            throw new CliException($"{what}: corrupt bool data (byte {a.Bytes()[i]} at element {i}).");
        }
    }

    /// <summary>Writes an array as .npy version 1.0 (the header padded to 64 bytes).</summary>
    public static void Write(Stream s, NdArray a)
    {
        WriteHeader(s, a.DType, a.Shape);
        s.Write(a.Bytes());
    }

    /// <summary>Writes the .npy version 1.0 header of an array of that type and shape; its data, in C order, follows.</summary>
    public static void WriteHeader(Stream s, DType dtype, long[] shapeOf)
    {
        string descr = dtype switch
        {
            DType.Float32 => "<f4",
            DType.Float64 => "<f8",
            DType.Int32 => "<i4",
            DType.Int64 => "<i8",
            _ => "|b1",
        };
        string shape = shapeOf.Length == 0 ? "()" : shapeOf.Length == 1 ? $"({shapeOf[0]},)" : "(" + string.Join(", ", shapeOf) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - (total % 64)) % 64;
        string header = dict + new string(' ', pad) + "\n";
        s.Write(Magic);
        s.WriteByte(1);
        s.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)header.Length));
        s.Write(len);
        s.Write(Encoding.Latin1.GetBytes(header));
    }

    private static (DType, bool, long[]) ParseDict(string text, string what)
    {
        string t = text.TrimEnd('\n', ' ', '\0');
        var p = new DictParser(t, what);
        return p.Parse();
    }

    private static int ReadAtMost(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public static void ReadExactly(Stream s, Span<byte> buffer, string what, string part)
    {
        int n = ReadAtMost(s, buffer);
        if (n < buffer.Length)
        {
            throw new CliException($"{what}: truncated .npy data: {part} needs {buffer.Length} bytes, {n} were left.");
        }
    }

    /// <summary>A strict reader of the header's Python dictionary literal.</summary>
    private ref struct DictParser(string text, string what)
    {
        private int _i;

        public (DType, bool, long[]) Parse()
        {
            DType? dtype = null;
            bool? fortran = null;
            long[]? shape = null;
            Expect('{');
            while (true)
            {
                Skip();
                if (Peek() == '}')
                {
                    _i++;
                    break;
                }

                string key = PyString();
                Expect(':');
                switch (key)
                {
                    case "descr" when dtype is null:
                        dtype = Descr(PyString());
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = Bool();
                        break;
                    case "shape" when shape is null:
                        shape = Tuple();
                        break;
                    default:
                        throw Bad($"unexpected or repeated key '{key}'");
                }

                Skip();
                if (Peek() == ',')
                {
                    _i++;
                }
                else if (Peek() != '}')
                {
                    throw Bad("expected ',' or '}'");
                }
            }

            Skip();
            if (_i != text.Length)
            {
                throw Bad("text after the dictionary");
            }

            if (dtype is null || fortran is null || shape is null)
            {
                throw Bad("the header needs 'descr', 'fortran_order' and 'shape'");
            }

            return (dtype.Value, fortran.Value, shape);
        }

        private readonly CliException Bad(string why) => new($"{what}: corrupt .npy header ({why}): {text}");

        private readonly DType Descr(string d) => d switch
        {
            "<f4" => DType.Float32,
            "<f8" => DType.Float64,
            "<i4" => DType.Int32,
            "<i8" => DType.Int64,
            "|b1" => DType.Bool,
            _ when d.StartsWith('>') => throw new CliException($"{what}: big-endian data ('{d}') is not supported; convert it with arr.astype(arr.dtype.newbyteorder('<'))."),
            _ => throw new CliException($"{what}: unsupported dtype '{d}' (expected float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8' or bool '|b1')."),
        };

        private bool Bool()
        {
            Skip();
            if (string.CompareOrdinal(text, _i, "True", 0, 4) == 0)
            {
                _i += 4;
                return true;
            }

            if (string.CompareOrdinal(text, _i, "False", 0, 5) == 0)
            {
                _i += 5;
                return false;
            }

            throw Bad("expected True or False");
        }

        private long[] Tuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                Skip();
                if (Peek() == ')')
                {
                    _i++;
                    break;
                }

                int start = _i;
                while (_i < text.Length && char.IsAsciiDigit(text[_i]))
                {
                    _i++;
                }

                if (start == _i || !long.TryParse(text.AsSpan(start, _i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                {
                    throw Bad("expected a non-negative integer dimension");
                }

                dims.Add(d);
                Skip();
                if (Peek() == ',')
                {
                    _i++;
                }
                else if (Peek() != ')')
                {
                    throw Bad("expected ',' or ')' in the shape");
                }
            }

            if (dims.Count > 8)
            {
                throw Bad("more than 8 dimensions");
            }

            return [.. dims];
        }

        private string PyString()
        {
            Skip();
            char q = Peek();
            if (q is not ('\'' or '"'))
            {
                throw Bad("expected a quoted string");
            }

            int end = text.IndexOf(q, _i + 1);
            if (end < 0)
            {
                throw Bad("unterminated string");
            }

            string s = text[(_i + 1)..end];
            _i = end + 1;
            return s;
        }

        private void Expect(char c)
        {
            Skip();
            if (Peek() != c)
            {
                throw Bad($"expected '{c}'");
            }

            _i++;
        }

        private readonly char Peek() => _i < text.Length ? text[_i] : '\0';

        private void Skip()
        {
            while (_i < text.Length && text[_i] == ' ')
            {
                _i++;
            }
        }
    }
}

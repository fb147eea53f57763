using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Backprop.Data;

/// <summary>
/// What a checkpoint remembers of the data it was trained on, to refuse resuming on other data: its shape and a
/// SHA-256 of its values (inputs as the file holds them, targets as training reads them, and the class names).
/// </summary>
/// <param name="Rows">Examples.</param>
/// <param name="Inputs">Input columns.</param>
/// <param name="Outputs">Target columns (one a class for classes).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the values.</param>
internal sealed record DataFingerprint(int Rows, int Inputs, int Outputs, string Sha256)
{
    /// <summary>The fingerprint of <paramref name="data"/>.</summary>
    public static DataFingerprint Of(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Images hash their bytes (the pixels as stored); other data its float64 inputs, little-endian.
        if (data.IsImages)
        {
            hash.AppendData("pixels\n"u8);
            hash.AppendData(data.Pixels);
        }
        else
        {
            hash.AppendData("features\n"u8);
            if (data.Table is { } table)
            {
                // A table's rows one by one: the same bytes as its float64 matrix, never made whole.
                var row = new double[table.Columns];
                for (int r = 0; r < table.Rows; r++)
                {
                    table.CopyRow(r, row);
                    AppendDoubles(hash, row);
                }
            }
            else AppendDoubles(hash, data.Features.Span);
        }
        hash.AppendData("targets\n"u8);
        AppendDoubles(hash, data.Targets.Span);
        hash.AppendData(Encoding.UTF8.GetBytes("classes\n" + string.Join("\n", data.ClassNames ?? [])));
        return new DataFingerprint(data.Count, data.FeatureNames.Count, data.Targets.Columns, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void AppendDoubles(IncrementalHash hash, ReadOnlySpan<double> values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            Span<byte> b = stackalloc byte[8];
            foreach (double v in values)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(b, v);
                hash.AppendData(b);
            }
            return;
        }
        hash.AppendData(MemoryMarshal.AsBytes(values));
    }

    /// <summary>What differs from <paramref name="other"/>, in words ("150 rows, not 120"), or null when they are the same.</summary>
    public string? Difference(DataFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rows != other.Rows) return $"{other.Rows} rows, not {Rows}";
        if (Inputs != other.Inputs) return $"{other.Inputs} input columns, not {Inputs}";
        if (Outputs != other.Outputs) return $"{other.Outputs} outputs, not {Outputs}";
        return Sha256 != other.Sha256 ? $"other values (SHA-256 {other.Sha256[..12]}..., not {Sha256[..12]}...)" : null;
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// .npz archives are untrusted input: whatever is wrong is one DataException naming the file and the entry, found
/// before anything large is allocated. Archives are built here byte by byte (the fixtures named *.npz in
/// Data/npz come from make_fixtures.py: numpy's and PyTorch's own files that Backprop refuses).
/// </summary>
public sealed class NpzErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // ------------------------------------------------------------------ building archives

    /// <summary>An .npy file: version 1.0, <paramref name="dict"/> as its header text (padded as numpy pads), then <paramref name="data"/>.</summary>
    internal static byte[] Npy(string dict, byte[] data)
    {
        string text = dict + new string(' ', 63 - (10 + dict.Length) % 64) + "\n";
        var bytes = new byte[10 + text.Length + data.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(10));
        data.CopyTo(bytes, 10 + text.Length);
        return bytes;
    }

    /// <summary>A float64 matrix or vector as numpy writes it.</summary>
    internal static byte[] F8(int[] shape, Func<int, double>? value = null)
    {
        int count = shape.Aggregate(1, (p, s) => p * s);
        return NpyFormat.Bytes("<f8", shape, Enumerable.Range(0, count).Select(value ?? (i => 0.25 * i - 1)).ToArray());
    }

    /// <summary>A zip of the entries given (name, bytes), stored, or deflated when <paramref name="deflate"/>.</summary>
    internal static byte[] Zip(bool deflate, params (string Name, byte[] Bytes)[] entries)
    {
        var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression).Open();
                s.Write(bytes);
            }
        return memory.ToArray();
    }

    /// <summary>The notes' two layers, 3-4-1, with the entries given added (or, by name, replacing).</summary>
    private static (string, byte[])[] Notes(params (string Name, byte[] Bytes)[] more)
    {
        var entries = new List<(string, byte[])> { ("weights_0_1.npy", F8([3, 4])), ("weights_1_2.npy", F8([4, 1])) };
        foreach (var e in more)
        {
            entries.RemoveAll(x => x.Item1 == e.Name);
            entries.Add(e);
        }
        return [.. entries];
    }

    /// <summary>Writes <paramref name="archive"/> and returns the DataException importing it throws, checked to be one line naming the file and containing every phrase.</summary>
    private DataException Refused(byte[] archive, params string[] phrases) => RefusedFile(_temp.Write("bad.npz", archive), phrases);

    private static DataException RefusedFile(string path, params string[] phrases)
    {
        var e = Assert.Throws<DataException>(() => NpzImport.Load(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (string phrase in phrases) Assert.Contains(phrase, e.Message);
        return e;
    }

    /// <summary>Sets the uncompressed size the local header and the central directory declare for the (only or first) entry.</summary>
    private static byte[] Declare(byte[] zip, uint size)
    {
        zip = (byte[])zip.Clone();
        int local = IndexOf(zip, "PK\x03\x04"u8), central = IndexOf(zip, "PK\x01\x02"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(local + 22), size);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(central + 24), size);
        return zip;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what) => bytes.AsSpan().IndexOf(what);

    // ------------------------------------------------------------------ numpy's and PyTorch's files that do not fit

    [Theory]
    [InlineData("bigendian.npz", "'weights_0_1.npy' holds big-endian float64 ('>f8'); Backprop reads float32 ('<f4') and float64 ('<f8'), little-endian")]
    [InlineData("float16.npz", "'weights_0_1.npy' holds float16 ('<f2')")]
    [InlineData("int64.npz", "'weights_0_1.npy' holds int64 ('<i8')")]
    [InlineData("batchnorm.npz", "'1.running_mean.npy' is not a Linear layer's weight or bias: only nn.Linear layers import")]
    [InlineData("mismatch.npz", "'weights_1_2.npy' has shape (5, 1), 5 inputs, but 'weights_0_1.npy' has shape (3, 4), 4 outputs")]
    public void Arrays_numpy_wrote_that_are_not_a_dense_network_are_refused_by_name(string file, string problem)
    {
        string path = TestData.Path("npz", file);
        var e = RefusedFile(path);
        Assert.Equal($"{path}: {problem}", e.Message[..(path.Length + 2 + problem.Length)]);
    }

    // ------------------------------------------------------------------ sizes: zip bombs and lies

    [Fact]
    public void An_entry_declaring_more_than_deflate_can_expand_is_refused_before_reading_it()
    {
        byte[] zip = Declare(Zip(deflate: true, Notes()), 0x7FFF_0000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused(zip, "'weights_0_1.npy' declares 2147418112 bytes from", "more than deflate can expand: a damaged file or a zip bomb");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "allocated for the declared size");
    }

    [Fact]
    public void A_declared_size_other_than_the_header_shape_takes_is_refused()
    {
        byte[] good = F8([3, 4]);
        Refused(Declare(Zip(deflate: true, Notes()), (uint)good.Length + 8),
            $"'weights_0_1.npy' declares {good.Length + 8} bytes; its .npy header says shape (3, 4) of <f8, which takes {good.Length}");
    }

    [Fact]
    public void A_header_claiming_a_huge_shape_is_refused_without_allocating_it()
    {
        // A stored entry of 128 header bytes and 96 data bytes whose header claims 10000 x 10000 float64 (800 MB).
        byte[] npy = Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (10000, 10000), }", new byte[96]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused(Zip(false, Notes(("weights_0_1.npy", npy))), "'weights_0_1.npy' declares", "its .npy header says shape (10000, 10000) of <f8, which takes 800000128");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
        byte[] larger = Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000, 2000000000), }", new byte[96]);
        Refused(Zip(false, Notes(("weights_0_1.npy", larger))), "'weights_0_1.npy' has shape (2000000000, 2000000000)", "more than one array can hold");
    }

    [Fact]
    public void An_entry_holding_more_than_it_declares_is_refused()
    {
        // The header and the declared size agree (224 bytes); the deflated data holds 8 more.
        byte[] good = F8([3, 4]);
        byte[] zip = Declare(Zip(deflate: true, Notes(("weights_0_1.npy", [.. good, .. new byte[8]]))), (uint)good.Length);
        Refused(zip, "bad.npz: 'weights_0_1.npy' ");
    }

    [Fact]
    public void Damaged_data_fails_its_CRC()
    {
        byte[] zip = Zip(false, Notes());
        // The first entry's .npy header (after its magic) ends with a line feed, then its values. The search starts at
        // the magic: the zip's own header holds the time of day, whose bytes can be a line feed too.
        int magic = IndexOf(zip, "NUMPY"u8);
        int data = magic + zip.AsSpan(magic).IndexOf("\n"u8) + 1;
        zip[data + 5] ^= 0x10;
        Refused(zip, "'weights_0_1.npy' is damaged: its CRC-32 is");
    }

    [Fact]
    public void Truncated_empty_and_foreign_files()
    {
        byte[] zip = Zip(false, Notes());
        Refused(zip[..(zip.Length / 2)], "bad.npz: ");
        Refused([], "the file is empty; expected an .npz archive");
        Refused(F8([3, 4]), "is a single .npy array (np.save), not an .npz archive of named arrays (np.savez)");
        RefusedFile(_temp.Write("model.npz", File.ReadAllBytes(TestData.Path("npz", "flowers_f32.bpm"))), "is not an .npz archive");
        Refused(Zip(false), "the archive holds no arrays");
        Refused(Zip(false, Notes(("readme.txt", "hello"u8.ToArray()))), "entry 'readme.txt' is not an .npy array");
        var missing = _temp.File("missing.npz");
        Assert.Equal($"{missing}: no such file", Assert.Throws<DataException>(() => NpzImport.Load(missing)).Message);
    }

    [Fact]
    public void Too_many_entries_are_refused_before_any_is_read()
    {
        var entries = Enumerable.Range(0, NpzReader.MaxEntries + 1).Select(i => ($"a{i}.npy", Array.Empty<byte>())).ToArray();
        Refused(Zip(false, entries), $"the archive has {NpzReader.MaxEntries + 1} entries; a model's .npz has at most {NpzReader.MaxEntries}");
    }

    // ------------------------------------------------------------------ .npy headers

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'extra': 1, }", "it has a key 'extra'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, }", "it has no 'shape'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'shape': (3, 4), }", "'shape' is given twice")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (12), }", "the shape (N) is not a tuple")]
    [InlineData("{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 4), }", "'fortran_order' is not True or False")]
    [InlineData("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3, 4), }", "a quoted string expected")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -4), }", "the shape holds something other than whole numbers")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } + 1", "something follows the dict")]
    public void Headers_that_are_not_numpy_s_dict_are_damaged(string dict, string problem) =>
        Refused(Zip(false, Notes(("weights_0_1.npy", Npy(dict, new byte[96])))), "'weights_0_1.npy' has a damaged .npy header: " + problem);

    [Fact]
    public void Header_length_version_and_bytes_are_checked()
    {
        byte[] npy = F8([3, 4]);
        byte[] version = (byte[])npy.Clone();
        version[6] = 4;
        Refused(Zip(false, Notes(("weights_0_1.npy", version))), "'weights_0_1.npy' is .npy format version 4.0");
        byte[] longHeader = (byte[])npy.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(longHeader.AsSpan(8), 60000);
        Refused(Zip(false, Notes(("weights_0_1.npy", longHeader))), "has a 60000-byte .npy header; the most numpy or Backprop reads is 10000");
        byte[] control = (byte[])npy.Clone();
        control[20] = 7;
        Refused(Zip(false, Notes(("weights_0_1.npy", control))), "has a damaged .npy header (byte 0x07 is not printable text)");
        Refused(Zip(false, Notes(("weights_0_1.npy", npy[..40]))), "'weights_0_1.npy' ");
    }

    [Fact]
    public void A_three_dimensional_array_is_refused()
    {
        byte[] npy = Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2, 2), }", new byte[96]);
        Refused(Zip(false, Notes(("weights_0_1.npy", npy))), "'weights_0_1.npy' has shape (3, 2, 2), 3 dimensions");
    }

    // ------------------------------------------------------------------ names and shapes

    [Fact]
    public void Names_that_are_not_a_network_are_named()
    {
        Refused(Zip(false, Notes(("weights_0_2.npy", F8([4, 1])))), "'weights_0_2.npy' joins layer 0 to layer 2");
        Refused(Zip(false, ("weights_0_1.npy", F8([3, 4])), ("weights_2_3.npy", F8([4, 1]))), "it has no 'weights_1_2.npy' (it has weights_0_1.npy, weights_2_3.npy)");
        Refused(Zip(false, Notes(("bias_3.npy", F8([1])))), "'bias_3.npy' has no layer: the last weights are weights_1_2, so biases go up to bias_2");
        Refused(Zip(false, Notes(("0.weight.npy", F8([4, 3])))), "it mixes numpy names ('weights_0_1.npy') and PyTorch names ('0.weight.npy')");
        Refused(Zip(false, Notes(("layer.npy", F8([4, 3])))), "'layer.npy' is not an array Backprop knows");
        Refused(Zip(false, Notes(("input_offset.npy", F8([3])))), "it has 'input_offset.npy' but no 'input_scale.npy'");
        Refused(Zip(false, ("0.weight.npy", F8([4, 3])), ("2.bias.npy", F8([1]))), "'2.bias.npy' has no '2.weight.npy' beside it");
        Refused(Zip(false, ("0.weight.npy", F8([4, 3])), ("fc.weight.npy", F8([1, 4]))), "does not say where the layer comes in the network");
        Refused(Zip(false, ("bias_1.npy", F8([4]))), "it has 'bias_1.npy' but no weights");
    }

    [Fact]
    public void Shapes_and_values_that_do_not_fit_are_named_with_both_shapes()
    {
        Refused(Zip(false, Notes(("bias_1.npy", F8([3])))), "'bias_1.npy' has shape (3,), but 'weights_0_1.npy' has shape (3, 4), 4 outputs: its bias has shape (4,)");
        Refused(Zip(false, Notes(("weights_1_2.npy", F8([4])))), "'weights_1_2.npy' has shape (4,); a layer's weights are a matrix (inputs, outputs)");
        Refused(Zip(false, ("0.weight.npy", F8([4, 3])), ("2.weight.npy", F8([1, 5]))), "'2.weight.npy' has shape (1, 5), 5 inputs, but '0.weight.npy' has shape (4, 3), 4 outputs");
        Refused(Zip(false, Notes(("weights_0_1.npy", F8([3, 0])))), "has shape (3, 0); a layer needs at least one input and one output");
        Refused(Zip(false, Notes(("weights_1_2.npy", F8([4, 1], i => i == 2 ? double.NaN : 1)))), "'weights_1_2.npy' holds NaN at [2, 0]; a model holds finite numbers only");
        Refused(Zip(false, Notes(("input_offset.npy", F8([3])), ("input_scale.npy", F8([3], i => i)))), "'input_scale.npy' value 0 is 0");
        Refused(Zip(false, Notes(("input_offset.npy", F8([4])), ("input_scale.npy", F8([4], i => 1)))), "'input_offset.npy' has shape (4,); the first layer's weights take 3 inputs");
        string huge = _temp.Write("huge.npz", Zip(false, Notes(("weights_1_2.npy", NpyFormat.Bytes("<f8", [4, 1], [1, 2, 1e300, 3])))));
        var f32 = Assert.Throws<DataException>(() => NpzImport.Load(huge, new NpzImportOptions { Precision = Precision.F32 }));
        Assert.Equal($"{huge}: 'weights_1_2.npy' holds 1E+300, too large for float32; import it as f64", f32.Message);
    }
}

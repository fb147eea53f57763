using System.Text;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>
/// The record reader's two paths give the same records: lines without quotes are split where they stand in the read
/// buffer (16 characters a step with SIMD), every other line is read a character at a time. Expected records come from a
/// plain reference reader written here from RFC 4180's rules (and string.Split for the splitting alone).
/// </summary>
public sealed class CsvRecordReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Splitting_at_delimiters_gives_string_Splits_fields_at_every_length()
    {
        var random = new Random(5);
        for (int n = 0; n < 3000; n++)
        {
            int length = n < 200 ? n : random.Next(0, 400);
            var line = new string(Enumerable.Range(0, length).Select(_ => ",x7 .-"[random.Next(6)]).ToArray());
            int offset = random.Next(0, 50);
            var (starts, lengths) = (new int[length + 1], new int[length + 1]);
            int count = CsvRecordReader.Split(line, ',', offset, starts, lengths);
            string[] expected = line.Split(',');
            Assert.Equal(expected.Length, count);
            for (int i = 0; i < count; i++) Assert.Equal(expected[i], line.Substring(starts[i] - offset, lengths[i]));
        }
    }

    [Fact]
    public void Records_that_cross_the_read_buffer_are_read_as_the_reference_reads_them()
    {
        // Lines of 1 to 3000 characters with every line ending, blank lines and quoted fields (delimiters, doubled quotes,
        // line breaks inside), over several of the reader's 64 Ki-character buffers, so that lines, CRLF pairs and quoted
        // fields are cut at buffer ends in many places.
        var random = new Random(17);
        for (int file = 0; file < 6; file++)
        {
            var text = new StringBuilder();
            while (text.Length < 300_000)
            {
                int fields = random.Next(1, file % 2 == 0 ? 40 : 400);
                for (int f = 0; f < fields; f++)
                {
                    if (f > 0) text.Append(';');
                    if (random.Next(30) == 0) text.Append('"').Append(Quoted[random.Next(Quoted.Length)]).Append('"');
                    else text.Append(random.Next(4) switch { 0 => "0", 1 => random.Next(256).ToString(), 2 => "-1.5e3", _ => new string('z', random.Next(0, 9)) });
                }
                text.Append(random.Next(6) switch { 0 => "\r\n", 1 => "\r", 2 => "\n\n", 3 => "\r\n \r\n", _ => "\n" });
            }
            string path = _temp.Write($"records{file}.csv", text.ToString());
            var expected = Reference(text.ToString(), ';');
            using var reader = new CsvRecordReader(path, ';');
            int k = 0;
            while (reader.Read())
            {
                var (line, fields) = expected[k++];
                Assert.Equal(line, reader.Line);
                Assert.Equal(fields.Length, reader.Count);
                for (int i = 0; i < fields.Length; i++) Assert.Equal(fields[i], reader.Field(i).ToString());
            }
            Assert.Equal(expected.Count, k);
        }
    }

    // What quoted fields hold, as written between their quotes: a delimiter, a doubled quote, line breaks, nothing.
    private static readonly string[] Quoted = ["a;b", "x\"\"y", "line\nbreak", "cr\r\nlf", "", "  7 "];

    [Fact]
    public void A_crlf_cut_by_the_buffers_end_is_one_line_ending()
    {
        // 65535 characters, then CRLF: the CR is the buffer's last character, its LF the next buffer's first (by hand: 2 records, lines 1 and 2).
        string path = _temp.Write("crlf.csv", new string('x', 65535) + "\r\ny,z\n");
        using var reader = new CsvRecordReader(path, ',');
        Assert.True(reader.Read());
        Assert.Equal((1, 1, 65535), (reader.Line, reader.Count, reader.Field(0).Length));
        Assert.True(reader.Read());
        Assert.Equal((2, "y", "z"), (reader.Line, reader.Field(0).ToString(), reader.Field(1).ToString()));
        Assert.False(reader.Read());
    }

    // RFC 4180 as the reader documents it: LF, CRLF or CR end a line; quoted fields hold delimiters, "" and line breaks
    // (a CR or CRLF in quotes becomes LF); blank lines (only spaces) are skipped. Returns each record's first line and fields.
    private static List<(int Line, string[] Fields)> Reference(string text, char delimiter)
    {
        var records = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1, i = 0;
        bool quotedRecord = false;
        while (i <= text.Length)
        {
            char c = i < text.Length ? text[i] : '\n';
            bool end = i == text.Length;
            if (c == '"' && field.Length == 0)
            {
                quotedRecord = true;
                for (i++; ; i++)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (text[i] == '"') break;
                    else if (text[i] is '\r' or '\n')
                    {
                        if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                        field.Append('\n');
                        line++;
                    }
                    else field.Append(text[i]);
                }
                i++;
                continue;
            }
            if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c is '\r' or '\n')
            {
                if (end && fields.Count == 0 && field.Length == 0) break;
                fields.Add(field.ToString());
                field.Clear();
                if (!(fields.Count == 1 && !quotedRecord && string.IsNullOrWhiteSpace(fields[0]))) records.Add((start, fields.ToArray()));
                fields.Clear();
                quotedRecord = false;
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                line++;
                start = line;
                continue;
            }
            field.Append(c);
            i++;
        }
        return records;
    }
}

using System.Globalization;
using System.Text;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Tests;

/// <summary>
/// Issue 13's messier tables: delimiters found in the header line, missing cells (error, drop, mean, median), text
/// columns one-hot as scikit-learn's OneHotEncoder orders them, and all of it saved in the model and applied again by
/// evaluate and predict. Expected values come from Data/csv/messy.py (numpy and scikit-learn) or by hand, as noted.
/// </summary>
public sealed class CsvTableTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CsvOptions Target(params string[] names) => new() { TargetColumns = names };

    private static string Messy => TestData.Path("csv", "messy.csv");

    private static double[] Expected(string name) =>
        TestData.Json("csv", "messy_expected.json").RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    // ---- delimiters ----

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void Each_delimiter_is_found_in_the_header_line(string d)
    {
        string path = _temp.Write("d.csv", $"x1{d}x2{d}y\n1{d}2{d}3\n4{d}5{d}6\n");
        var data = CsvLoader.Load(path, Target("y"));
        Assert.Equal(d[0], data.Delimiter);
        Assert.True(data.DelimiterDetected);
        Assert.Equal(["x1", "x2"], data.FeatureNames);
        Assert.Equal(5.0, data.Features[1, 1]);
    }

    [Fact]
    public void Delimiters_inside_quotes_in_the_header_do_not_count()
    {
        // Outside quotes the header has 2 semicolons and no comma; inside them 3 commas (by hand).
        string path = _temp.Write("q.csv", "\"a,b,c,d\";x;y\n1;2;3\n");
        var data = CsvLoader.Load(path, Target("y"));
        Assert.Equal(';', data.Delimiter);
        Assert.Equal(["a,b,c,d", "x"], data.FeatureNames);
    }

    [Theory]
    [InlineData("a,b;c\n", ',')]         // a tie: comma
    [InlineData("abc\n", ',')]           // none: comma
    [InlineData("a;b|c|d\n", '|')]       // the most fields
    [InlineData("a\tb\tc;d\n", '\t')]
    [InlineData("a;b\nc,d,e,f\n", ';')]  // only the first line counts
    public void Sniffing_picks_the_delimiter_that_splits_the_first_line_most(string text, char expected) =>
        Assert.Equal(expected, CsvRecordReader.Sniff(text));

    [Fact]
    public void A_given_delimiter_is_used_even_when_another_splits_the_header_more()
    {
        string path = _temp.Write("f.csv", "a;b;c,d\n1,2\n");
        var data = CsvLoader.Load(path, new CsvOptions { TargetColumns = ["d"], Delimiter = ',' });
        Assert.Equal(["a;b;c"], data.FeatureNames);
        Assert.Equal(1.0, data.Features[0, 0]);
        Assert.False(data.DelimiterDetected);
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, new CsvOptions { TargetColumns = ["d"] }));
        Assert.Equal("no column named 'd'; the columns are: a, b, c,d", e.Problem);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_an_error_naming_the_byte()
    {
        // "café" in Latin-1: é is the single byte 0xE9, which is not UTF-8.
        string path = _temp.Write("latin1.csv", [.. "a,y\n1,caf"u8.ToArray(), 0xE9, .. "\n2,x\n"u8.ToArray()]);
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, Target("y")));
        Assert.Contains("the file is not UTF-8 text: bytes 0xE9", e.Problem);
    }

    // ---- missing cells ----

    [Fact]
    public void Missing_cells_are_empty_NA_NaN_and_null_in_any_case()
    {
        foreach (string cell in new[] { "", "  ", "NA", "na", "N/A", "NaN", "nan", "null", "NULL" })
            Assert.True(MissingCells.IsMissing(cell.Trim()), cell);
        foreach (string cell in new[] { "0", "none", "-", "nana", "N", "?" })
            Assert.False(MissingCells.IsMissing(cell), cell);
    }

    [Fact]
    public void By_default_a_missing_cell_is_an_error_at_its_line_and_column()
    {
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(Messy, Target("y")));
        Assert.Equal($"{Messy}:5:1: empty cell in column 'x1'; expected a number; --missing drop leaves such rows out, --missing mean or median fills them", e.Message);   // row 3 of messy.py, line 5
        string na = _temp.Write("na.csv", "a,y\n1,2\nNA,3\n");
        Assert.Equal("'NA' in column 'a' marks a missing value; expected a number; --missing drop leaves such rows out, --missing mean or median fills them",
            Assert.Throws<DataException>(() => CsvLoader.Load(na, Target("y"))).Problem);
    }

    [Fact]
    public void Drop_leaves_out_every_row_with_a_missing_cell()
    {
        var data = CsvLoader.Load(Messy, Target("y") with { Missing = "drop" });
        Assert.Equal(13, data.Count);   // messy.py's complete_rows
        Assert.Equal(7, data.DroppedRows);
        Assert.DoesNotContain(data.Features.Span.ToArray(), double.IsNaN);
    }

    [Fact]
    public void A_missing_target_is_dropped_under_drop_and_an_error_otherwise()
    {
        string path = _temp.Write("t.csv", "a,y\n1,2\n2,\n3,4\n");
        Assert.Equal(2, CsvLoader.Load(path, Target("y") with { Missing = "drop" }).Count);
        foreach (string policy in new[] { "error", "mean", "median" })
            Assert.Equal("empty cell in target column 'y'; expected a number; --missing drop leaves such rows out",
                Assert.Throws<DataException>(() => CsvLoader.Load(path, Target("y") with { Missing = policy })).Problem);
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("median")]
    public void Mean_and_median_are_learned_on_the_training_rows_only_as_numpy_gives_them(string policy)
    {
        var whole = CsvLoader.Load(Messy, Target("y") with { Missing = policy });
        Assert.True(double.IsNaN(whole.Features[3, 0]));   // line 5 (row 3): x1 empty, kept as NaN until the fill is learned
        var (train, validation) = whole.Split(0.2, SplitKind.Last);
        var learner = new Learner<double>(new Recipe { Epochs = 1, Hidden = [] }.Resolve(train).Recipe, train);
        // messy.py: np.nanmean / np.nanmedian over the first 16 rows. numpy sums 13 values in another order than a
        // running sum (8 partial sums), so the mean may differ in the last bit: 1e-15 relative.
        double[] expected = Expected(policy);
        var fills = learner.Schema!.Columns.Where(c => !c.IsCategorical).Select(c => c.Fill!.Value).ToArray();
        Assert.Equal(expected[0], fills[0], 1e-15 * Math.Abs(expected[0]));
        Assert.Equal(expected[1], fills[1], 1e-15 * Math.Abs(expected[1]));
        Assert.Equal(fills[0], learner.Train.Features[3, 0]);
        // Not the whole file's: the validation rows are not looked at (the whole file's values differ, messy.py).
        Assert.NotEqual(Expected(policy + "_all")[1], fills[1], 1e-9);
        // Validation rows are filled with the training rows' values as they are read (line 19, row 17: x2 is N/A), then scaled.
        var (prepared, _) = learner.Prepare(validation);
        var row = new double[prepared.Columns];
        prepared.CopyRow(1, row);
        int last = validation.FeatureNames.Count - 1;
        Assert.Equal((fills[1] - learner.Normalization.Offset[last]) / learner.Normalization.Scale[last], row[last]);
        Assert.True(double.IsNaN(validation.Features[1, last]));   // the data itself is left as loaded
        // Saved in the model, read back, and applied by prediction to a new file.
        string model = _temp.File($"{policy}.bpm");
        learner.ToModel().Save(model);
        var loaded = ModelFile.Load(model);
        Assert.Equal(learner.ToModel(), loaded);
        Assert.Equal(policy, loaded.Inputs!.Missing);
        string fresh = _temp.Write("fresh.csv", "x2;colour;x1\n;blue;\n");
        var data = CsvLoader.Load(fresh, new CsvOptions { Schema = loaded.Inputs });
        Assert.Equal(fills[0], data.Features[0, 0]);
        Assert.Equal(fills[1], data.Features[0, data.FeatureNames.Count - 1]);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        // By hand: values 1, 10, 4, 3 (a missing one left out): sorted 1 3 4 10, median (3 + 4) / 2 = 3.5; mean 18 / 4 = 4.5.
        string path = _temp.Write("even.csv", "a,y\n1,0\n10,1\n,0\n4,1\n3,0\n");
        var median = CsvLoader.Load(path, Target("y") with { Missing = "median" });
        Assert.Equal(3.5, MissingValues.Fit(median).Columns[0].Fill);
        var mean = CsvLoader.Load(path, Target("y") with { Missing = "mean" });
        Assert.Equal(4.5, MissingValues.Fit(mean).Columns[0].Fill);
    }

    [Fact]
    public void A_column_with_no_value_cannot_be_filled()
    {
        string path = _temp.Write("none.csv", "a,b,y\n1,,0\n2,NA,1\n");
        var data = CsvLoader.Load(path, Target("y") with { Missing = "mean" });
        Assert.Equal("column 'b' has no values in the 2 training rows, so its missing cells have no mean to be filled with",
            Assert.Throws<DataException>(() => MissingValues.Fit(data)).Problem);
    }

    // ---- text columns ----

    [Fact]
    public void A_text_column_becomes_one_hot_inputs_in_OneHotEncoders_order()
    {
        var data = CsvLoader.Load(Messy, Target("y") with { Missing = "median" });
        var categories = TestData.Json("csv", "messy_expected.json").RootElement.GetProperty("categories").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["Grey", "blue", "green", "red", "émeraude"], categories);   // sklearn: ordinal, capitals first
        Assert.Equal(categories, data.Schema!.Columns[1].Categories);
        Assert.Equal(["x1", .. categories.Select(c => "colour=" + c), "x2"], data.FeatureNames);
        // Line 2 is émeraude; line 11 (row 9) has no colour under median: all zeros.
        Assert.Equal([0, 0, 0, 0, 1], data.Features.RowSpan(0)[1..6].ToArray());
        Assert.Equal([0, 0, 0, 0, 0], data.Features.RowSpan(9)[1..6].ToArray());
    }

    [Fact]
    public void Unseen_categories_are_an_error_or_all_zeros_as_OneHotEncoder_ignores_them()
    {
        var schema = CsvLoader.Load(Messy, Target("y") with { Missing = "median" }).Schema!;
        string path = _temp.Write("new.csv", "x1;colour;x2\n1;blue;2\n1;purple;2\n1;émeraude;2\n");
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, new CsvOptions { Schema = schema }));
        Assert.Equal($"{path}:3:2: 'purple' in column 'colour' is not one of the categories the model knows: Grey, blue, green, red, émeraude", e.Message);
        var data = CsvLoader.Load(path, new CsvOptions { Schema = schema, Unknown = "ignore" });
        var expected = TestData.Json("csv", "messy_expected.json").RootElement.GetProperty("one_hot_new").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (int r = 0; r < 3; r++) Assert.Equal(expected[r], data.Features.RowSpan(r)[1..6].ToArray());
    }

    [Fact]
    public void One_hot_inputs_are_not_scaled()
    {
        var data = CsvLoader.Load(Messy, Target("y") with { Missing = "drop" });
        var n = Normalization.Fit<double>(NormalizationKind.Standard, data);
        bool[] oneHot = data.Schema!.OneHotInputs();
        for (int c = 0; c < oneHot.Length; c++)
            if (oneHot[c]) Assert.Equal((0.0, 1.0), (n.Offset[c], n.Scale[c]));
            else Assert.NotEqual(1.0, n.Scale[c]);
    }

    [Fact]
    public void A_column_holds_numbers_or_text_not_both()
    {
        string numbersFirst = _temp.Write("n.csv", "a,y\n1,0\nred,1\n");
        Assert.Equal("'red' in column 'a' is not a number", Assert.Throws<DataException>(() => CsvLoader.Load(numbersFirst, Target("y"))).Problem);
        string textFirst = _temp.Write("t.csv", "a,y\nred,0\n 2 ,1\n");
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(textFirst, Target("y")));
        Assert.Equal("'2' in column 'a' is a number, but the column holds text: its first value, 'red' on line 2, is text; a column holds numbers or text categories, not both", e.Problem);
        Assert.Equal((3, 1), (e.Line, e.Column));
    }

    [Fact]
    public void A_text_column_has_at_most_1000_categories()
    {
        string path = _temp.Write("many.csv", "a,y\n" + string.Concat(Enumerable.Range(0, 1001).Select(i => $"c{i},{i % 2}\n")));
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, Target("y")));
        Assert.Equal("column 'a' has more than 1000 different text values, the most a text column may have (each becomes an input); 'c1000' is one more", e.Problem);
        Assert.Equal(1002, e.Line);
    }

    [Fact]
    public void A_one_hot_name_that_is_another_columns_name_is_an_error()
    {
        string path = _temp.Write("clash.csv", "c,c=a,y\na,1,0\nb,2,1\n");
        Assert.Equal("the one-hot input 'c=a' of a text column has the name of another column; rename one of them",
            Assert.Throws<DataException>(() => CsvLoader.Load(path, Target("y"))).Problem);
    }

    // ---- the model file ----

    [Fact]
    public void A_model_saved_before_schemas_still_loads_and_predicts_from_csv()
    {
        var model = ModelFile.Load(TestData.Path("npz", "flowers_f32.bpm"));
        Assert.Null(model.Inputs);
        var (code, output, err) = CliTests.Run("predict", TestData.Path("npz", "flowers_f32.bpm"), TestData.Path("csv", "flowers.csv"));
        Assert.True(code == 0, err);
        Assert.StartsWith("class,", output);
    }

    [Fact]
    public void A_plain_numeric_model_is_written_without_an_inputs_member()
    {
        string path = TestData.Path("csv", "flowers.csv");
        var trained = new Recipe { Epochs = 1, Hidden = [] }.Fit(CsvLoader.Load(path, Target("species")));
        Assert.Null(trained.Model.Inputs);
        Assert.DoesNotContain("\"missing\"", Encoding.UTF8.GetString(ModelFile.Serialize(trained.Model)));
    }

    [Fact]
    public void An_inputs_member_that_does_not_fit_the_features_is_refused()
    {
        var data = CsvLoader.Load(Messy, Target("y") with { Missing = "drop" });
        var model = new Recipe { Epochs = 1, Hidden = [] }.Fit(data).Model;
        var wrong = model with { Inputs = model.Inputs! with { Columns = [.. model.Inputs.Columns.Take(2)] } };
        Assert.Contains("the input columns make the inputs x1, colour=Grey", Assert.Throws<ArgumentException>(wrong.Validate).Message);
        var noFill = model with { Inputs = model.Inputs! with { Missing = "mean" } };
        Assert.Contains("numeric column 'x1' has no fill value for the mean policy", Assert.Throws<ArgumentException>(noFill.Validate).Message);
    }

    // ---- the fast number path and the line count ----

    [Fact]
    public void The_fast_number_path_gives_exactly_double_Parse()
    {
        // Edge cases by hand, then two million random decimals of every shape the fast path takes or declines.
        string[] edges =
        [
            "0", "-0", "+0", "0.0", "-0.0", "00012", "1.", ".5", "-.5", "9007199254740992", "9007199254740993", "9007199254740991",
            "1e22", "1e23", "1e-22", "1e-23", "123456789012345678", "1234567890123456789", "12345678901234567890",
            "0.1", "0.3", "2.675", "1e308", "1e309", "4.9e-324", "1E5", "1e+5", "1e-0005", "1e", "e5", ".", "-", "+",
            "1e99999", "0e99999", "1.5e-7", "255", "3.14159265358979", "0.30000000000000004",
        ];
        foreach (string s in edges) Check(s);
        var random = new Random(13);
        for (int i = 0; i < 2_000_000; i++)
        {
            var b = new StringBuilder();
            if (random.Next(4) == 0) b.Append(random.Next(2) == 0 ? '-' : '+');
            int whole = random.Next(0, 20), fraction = random.Next(0, 12);
            for (int d = 0; d < whole; d++) b.Append((char)('0' + random.Next(10)));
            if (fraction > 0 || random.Next(3) == 0) b.Append('.');
            for (int d = 0; d < fraction; d++) b.Append((char)('0' + random.Next(10)));
            if (random.Next(3) == 0) b.Append(random.Next(2) == 0 ? 'e' : 'E').Append(random.Next(-30, 31));
            Check(b.ToString());
        }

        static void Check(string s)
        {
            bool parsed = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double expected);
            if (FastNumber.TryParseFast(s, out double fast))
            {
                Assert.True(parsed, $"'{s}': the fast path took what double.Parse refuses");
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(fast), $"'{s}': {fast:R}, double.Parse {expected:R}");
            }
            Assert.Equal(parsed, FastNumber.TryParse(s, out double any));
            if (parsed) Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(any));
        }
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("a\n", 1)]
    [InlineData("a\nb", 2)]
    [InlineData("a\r\nb\r\n", 2)]
    [InlineData("a\rb\rc", 3)]
    [InlineData("a\r\n\r\n\n\rb", 5)]
    public void Lines_are_counted_as_the_reader_ends_them(string text, long lines)
    {
        // By hand: LF, CRLF and CR each end a line; a last line without an ending counts.
        Assert.Equal(lines, LineCounter.Count(_temp.Write("lines.csv", text)));
    }

    [Fact]
    public void Line_counting_is_right_across_its_buffer_boundary()
    {
        // A CRLF split between two megabyte reads is one line ending, not two (by hand: 1 + 1 lines).
        string text = new string('x', (1 << 20) - 1) + "\r\ny\n";
        Assert.Equal(2, LineCounter.Count(_temp.Write("boundary.csv", text)));
        Assert.Equal(2, LineCounter.Count(_temp.Write("boundary-cr.csv", new string('x', (1 << 20) - 1) + "\ry")));
    }

    [Fact]
    public void Blank_lines_and_quoted_line_breaks_make_fewer_rows_than_lines()
    {
        string path = _temp.Write("blank.csv", "a,y\n\n1,\"x\ny\"\n\n2,z\n\n\n");
        var data = CsvLoader.Load(path, Target("y"));
        Assert.Equal(2, data.Count);
        Assert.Equal([1.0, 2.0], data.Features.Span.ToArray());
    }
}

using System.Text;
using Backprop.Data;

namespace Backprop.Tests;

/// <summary>CSV files into datasets: values, names, quoting, line endings, and a located error for every kind of bad input.</summary>
public sealed class CsvLoaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CsvOptions Target(params string[] columns) => new() { TargetColumns = columns };

    private static double[][] Rows(Matrix<double> m) =>
        Enumerable.Range(0, m.Rows).Select(r => m.RowSpan(r).ToArray()).ToArray();

    /// <summary>Loads text that must fail; checks the exception's location and that the message is that location plus the problem.</summary>
    private DataException Fails(string text, CsvOptions options, int? line, int? column)
    {
        string path = _temp.Write("bad.csv", text);
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, options));
        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        string location = path + (line is null ? "" : $":{line}") + (column is null ? "" : $":{column}");
        Assert.Equal($"{location}: {e.Problem}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    // ---- values and names ----

    [Fact]
    public void Numeric_features_and_target()
    {
        string path = _temp.Write("data.csv", "x1,x2,y\n1,2,3\n-2.5,1e-3, 4 \n  +0.5 ,7E2,-1e1\n");
        var data = CsvLoader.Load(path, Target("y"));
        Assert.Equal(3, data.Count);
        Assert.Equal(["x1", "x2"], data.FeatureNames);
        Assert.Equal(["y"], data.TargetNames);
        Assert.Null(data.ClassNames);
        Assert.Null(data.Labels()!);
        Assert.Equal(path, data.Source);
        Assert.Equal([[1, 2], [-2.5, 0.001], [0.5, 700]], Rows(data.Features));
        Assert.Equal([[3], [4], [-10]], Rows(data.Targets));
    }

    [Fact]
    public void Several_numeric_targets_anywhere_in_the_row_in_the_order_asked_for()
    {
        string path = _temp.Write("data.csv", "a,t1,b,t2\n1,10,2,20\n3,30,4,40\n");
        var data = CsvLoader.Load(path, Target("t2", "t1"));
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal(["t2", "t1"], data.TargetNames);
        Assert.Equal([[1, 2], [3, 4]], Rows(data.Features));
        Assert.Equal([[20, 10], [40, 30]], Rows(data.Targets));
    }

    [Fact]
    public void Quoted_fields_hold_commas_doubled_quotes_and_line_breaks()
    {
        string text = "\"width, cm\",\"height\",kind\n" +
                      "\"1.5\", \"2\" ,\"say \"\"hi\"\"\"\n" +
                      "3,4,\"two\nlines\"\n" +
                      "5,6,plain\n";
        var data = CsvLoader.Load(_temp.Write("q.csv", text), Target("kind"));
        Assert.Equal(["width, cm", "height"], data.FeatureNames);
        Assert.Equal([[1.5, 2], [3, 4], [5, 6]], Rows(data.Features));
        Assert.Equal(["say \"hi\"", "two\nlines", "plain"], data.ClassNames);
    }

    [Fact]
    public void Crlf_line_endings_and_a_byte_order_mark()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a,b,label\r\n1,2,cat\r\n3,4,dog\r\n")];
        var data = CsvLoader.Load(_temp.Write("bom.csv", bytes), Target("label"));
        Assert.Equal(["a", "b"], data.FeatureNames); // not "\uFEFFa"
        Assert.Equal(["label"], data.TargetNames);
        Assert.Equal(["cat", "dog"], data.ClassNames);
        Assert.Equal([[1, 2], [3, 4]], Rows(data.Features));
    }

    [Fact]
    public void Crlf_lines_are_counted_once_in_error_locations()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a,y\r\n1,2\r\n\r\nx,3\r\n")];
        string path = _temp.Write("crlf.csv", bytes);
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, Target("y")));
        Assert.Equal((4, 1), (e.Line, e.Column));
    }

    [Fact]
    public void Last_line_without_a_newline_and_blank_lines_are_fine()
    {
        string path = _temp.Write("d.csv", "\n  \na,y\n1,2\n\n3,4\n\n   \n5,6");
        var data = CsvLoader.Load(path, Target("y"));
        Assert.Equal([[1], [3], [5]], Rows(data.Features));
        Assert.Equal([[2], [4], [6]], Rows(data.Targets));
    }

    [Fact]
    public void Header_names_and_cells_are_trimmed()
    {
        var data = CsvLoader.Load(_temp.Write("s.csv", " a , y \n 1 , cat \n2,dog\n"), Target("y"));
        Assert.Equal(["a"], data.FeatureNames);
        Assert.Equal(["cat", "dog"], data.ClassNames);
    }

    [Fact]
    public void Text_labels_become_one_hot_classes_in_order_of_first_appearance()
    {
        string path = _temp.Write("pets.csv", "weight,animal,legs\n4,dog,4\n3,cat,4\n0.1,bird,2\n5,dog,4\n");
        var data = CsvLoader.Load(path, Target("animal"));
        Assert.Equal(["weight", "legs"], data.FeatureNames);
        Assert.Equal(["animal"], data.TargetNames);
        Assert.Equal(["dog", "cat", "bird"], data.ClassNames);
        Assert.Equal([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], Rows(data.Targets));
        Assert.Equal([0, 1, 2, 0], data.Labels()!);
    }

    [Fact]
    public void A_column_with_any_text_label_is_a_class_column_even_if_some_labels_look_numeric()
    {
        var data = CsvLoader.Load(_temp.Write("m.csv", "a,y\n1,10\n2,ten\n3,10\n"), Target("y"));
        Assert.Equal(["10", "ten"], data.ClassNames);
        Assert.Equal([0, 1, 0], data.Labels()!);
    }

    [Fact]
    public void Given_classes_set_the_order_and_make_numeric_labels_classes()
    {
        string path = _temp.Write("digits.csv", "a,digit\n1,2\n2,0\n3,2\n");
        var data = CsvLoader.Load(path, Target("digit") with { Classes = ["0", "1", "2"] });
        Assert.Equal(["digit"], data.TargetNames);
        Assert.Equal(["0", "1", "2"], data.ClassNames);
        Assert.Equal([[0, 0, 1], [1, 0, 0], [0, 0, 1]], Rows(data.Targets));
        Assert.Equal([2, 0, 2], data.Labels()!);
    }

    [Fact]
    public void Given_classes_may_include_labels_the_file_does_not_use()
    {
        string path = _temp.Write("pets.csv", "a,y\n1,dog\n2,dog\n");
        var data = CsvLoader.Load(path, Target("y") with { Classes = ["cat", "dog", "bird"] });
        Assert.Equal(["cat", "dog", "bird"], data.ClassNames);
        Assert.Equal([[0, 1, 0], [0, 1, 0]], Rows(data.Targets));
    }

    [Fact]
    public void Numeric_labels_without_classes_are_a_numeric_target()
    {
        var data = CsvLoader.Load(_temp.Write("n.csv", "a,y\n1,0\n2,1\n3,2\n"), Target("y"));
        Assert.Null(data.ClassNames);
        Assert.Equal([[0], [1], [2]], Rows(data.Targets));
    }

    [Fact]
    public void Expected_features_in_the_same_order_load()
    {
        string path = _temp.Write("e.csv", "a,y,b\n1,2,3\n");
        var data = CsvLoader.Load(path, Target("y") with { ExpectFeatures = ["a", "b"] });
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal([[1, 3]], Rows(data.Features));
    }

    // ---- errors: the file ----

    [Fact]
    public void Missing_file()
    {
        string path = _temp.File("nope.csv");
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(path, Target("y")));
        Assert.Equal(path, e.File);
        Assert.Null(e.Line);
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public void A_folder_is_not_a_csv_file()
    {
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(_temp.Path, Target("y")));
        Assert.Equal(_temp.Path, e.File);
        Assert.Contains("folder", e.Problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n")]
    [InlineData("\uFEFF")]
    public void Empty_file(string text)
    {
        var e = Fails(text, Target("y"), null, null);
        Assert.Equal("the file is empty; expected a header row naming the columns", e.Problem);
    }

    [Fact]
    public void Header_without_data_rows()
    {
        var e = Fails("\na,y\n\n", Target("y"), 2, null);
        Assert.Equal("the file has a header but no data rows", e.Problem);
    }

    // ---- errors: the header ----

    [Fact]
    public void Duplicate_header_names()
    {
        var e = Fails("a,b,a,y\n1,2,3,4\n", Target("y"), 1, 3);
        Assert.Equal("duplicate column name 'a' (also column 1)", e.Problem);
    }

    [Fact]
    public void A_header_name_that_is_empty()
    {
        var e = Fails(",a,y\n0,1,2\n", Target("y"), 1, 1);
        Assert.Equal("column 1 has no name in the header; every column needs one", e.Problem);
    }

    [Fact]
    public void Unknown_target_column_lists_the_columns()
    {
        var e = Fails("a,b,label\n1,2,3\n", Target("class"), 1, null);
        Assert.Equal("no column named 'class'; the columns are: a, b, label", e.Problem);
    }

    [Fact]
    public void Unknown_target_in_a_file_without_a_header_says_the_names_are_numbers()
    {
        // A file of numbers only, its first row taken as the header: --target 2 (meaning the third column) names none.
        var e = Fails("5.1,3.5,0\n4.9,3.0,0\n", Target("2"), 1, null);
        Assert.Equal("no column named '2'; the columns are: 5.1, 3.5, 0; all 3 column names are numbers (5.1, 3.5, 0): " +
                     "the first line is read as the header; if the file has none, add a line naming the columns", e.Problem);
        // scikit-learn's iris.csv starts with a line of counts and class names: two of its names are numbers.
        Assert.Equal("2 of the 5 column names are numbers (150, 4)", CsvLoader.NumbersAsNames(["150", "4", "setosa", "versicolor", "virginica"]));
        Assert.Null(CsvLoader.NumbersAsNames(["x1", "NaN", "Infinity", "label"])); // words that parse as numbers are not numbers here
    }

    [Fact]
    public void Notes_say_what_a_careful_person_would_check_before_training()
    {
        // From C#, the notes train, cv and sweep print: a row number (1 to 40), a name a row, a first line of counts.
        var rows = Enumerable.Range(0, 40).Select(i => $"{i + 1},{2 * i},person {i},{(i % 3 == 0 ? "red" : "blue")},{i % 2}");
        string path = _temp.Write("people.csv", string.Join("\n", ["id,even,name,colour,label", .. rows]) + "\n");
        Assert.Equal(
        [
            "column 'name' holds 40 different texts in 40 rows (1.0 rows a text): one-hot, each of its inputs stands for a row or two, "
                + "which a network can only memorize; if it is a name or an identifier, remove it from the file",
            "column 'id' counts the rows (1 to 40 in file order): as an input it tells the network where a row is in the file, not what it is "
                + "(and in a file sorted by class it gives the answer away); if it is a row number or an identifier, remove it from the file",
        ], CsvLoader.Load(path, Target("label")).Notes());
        string counts = _temp.Write("counts.csv", "40,3,a,b\n" + string.Join("\n", Enumerable.Range(0, 30).Select(i => $"{i % 4},{i % 5},{i % 3},{i % 2}")) + "\n");
        Assert.Equal(
            [$"{counts}: 2 of the 4 column names are numbers (40, 3): its first line is read as the header, not as data; if the file has none, add a line naming the columns"],
            CsvLoader.Load(counts, Target("b")).Notes());
        Assert.Empty(CsvLoader.Load(TestData.Path("csv", "flowers.csv"), Target("species")).Notes()); // nothing stands out
        // scikit-learn's wine_data.csv as shipped: a line of 5 counts and names, then rows of 14 fields.
        string wine = _temp.Write("wine.csv", "178,13,class_0,class_1,class_2\n14.23,1.71,2.43,15.6,127,2.8,3.06,.28,2.29,5.64,1.04,3.92,1065,0\n");
        var e = Assert.Throws<DataException>(() => CsvLoader.Load(wine, Target("class_2")));
        Assert.Equal("line 2 has 14 fields; the header has 5; 2 of the 5 column names are numbers (178, 13): the first line is read as the header; "
            + "if the file has none, add a line naming the columns", e.Problem);
    }

    [Fact]
    public void Every_column_a_target_leaves_no_features()
    {
        var e = Fails("y1,y2\n1,2\n", Target("y1", "y2"), 1, null);
        Assert.Contains("no feature columns", e.Problem);
    }

    // ---- errors: rows and cells ----

    [Fact]
    public void A_row_with_too_many_fields()
    {
        // Line 7: a blank line and a quoted line break come before it, and both count.
        string text = "a,b,y\n1,2,3\n\n4,5,\"x\ny\"\n6,7,8\n9,10,11,12\n";
        var e = Fails(text, Target("y") with { Classes = ["3", "x\ny", "8", "11"] }, 7, null);
        Assert.Equal("line 7 has 4 fields; the header has 3", e.Problem);
    }

    [Fact]
    public void A_row_with_too_few_fields()
    {
        var e = Fails("a,b,y\n1,2,3\n4\n", Target("y"), 3, null);
        Assert.Equal("line 3 has 1 field; the header has 3", e.Problem);
    }

    [Fact]
    public void A_non_numeric_feature_cell_is_quoted_and_its_column_named()
    {
        var e = Fails("a,b,y\n1,2,3\n4, five ,6\n", Target("y"), 3, 2);
        Assert.Equal("'five' in column 'b' is not a number", e.Problem);
    }

    [Fact]
    public void A_number_in_another_culture_is_not_a_number()
    {
        var e = Fails("a,b,y\n1,\"2,5\",3\n", Target("y"), 2, 2);
        Assert.Equal("'2,5' in column 'b' is not a number; write decimals with a point ('2.5')", e.Problem);
    }

    [Theory]
    [InlineData("NaN", "is NaN")]
    [InlineData("nan", "is NaN")]
    [InlineData("-NaN", "is NaN")]   // not a missing-cell marker, but still NaN (found by the fuzz test)
    [InlineData("Infinity", "is infinite")]
    [InlineData("-Infinity", "is infinite")]
    [InlineData("1e999", "is infinite")]
    public void NaN_and_infinity_are_errors(string cell, string what)
    {
        var e = Fails($"a,b,y\n1,2,3\n4,{cell},6\n", Target("y"), 3, 2);
        // NaN and nan mark a missing cell (docs/cli.md): their message names --missing too.
        string hint = cell is "NaN" or "nan" ? "; --missing drop leaves such rows out, --missing mean or median fills them" : "";
        Assert.Equal($"'{cell}' in column 'b' {what}; expected a finite number{hint}", e.Problem);
    }

    [Fact]
    public void An_empty_feature_cell()
    {
        var e = Fails("a,b,y\n1,  ,3\n", Target("y"), 2, 2);
        Assert.Equal("empty cell in column 'b'; expected a number; --missing drop leaves such rows out, --missing mean or median fills them", e.Problem);
    }

    [Fact]
    public void An_empty_cell_in_a_numeric_target_column()
    {
        var e = Fails("a,y\n1,2\n3,\n", Target("y"), 3, 2);
        Assert.Equal("empty cell in target column 'y'; expected a number; --missing drop leaves such rows out", e.Problem);
    }

    [Fact]
    public void NaN_in_a_numeric_target_column()
    {
        var e = Fails("a,y\n1,2\n3,NaN\n", Target("y"), 3, 2);
        Assert.Equal("'NaN' in target column 'y' is NaN; expected a finite number; --missing drop leaves such rows out", e.Problem);
    }

    [Fact]
    public void Text_in_one_of_several_target_columns()
    {
        var e = Fails("a,y1,y2\n1,2,3\n4,5,cat\n", Target("y1", "y2"), 3, 3);
        Assert.Equal("'cat' in target column 'y2' is not a number (class labels need a single target column)", e.Problem);
    }

    [Fact]
    public void A_label_that_is_not_one_of_the_given_classes()
    {
        var e = Fails("a,y\n1,cat\n2,dog\n3,bird\n", Target("y") with { Classes = ["cat", "dog"] }, 4, 2);
        Assert.Equal("class 'bird' in column 'y' is not one of the given classes: cat, dog", e.Problem);
    }

    [Fact]
    public void A_numeric_label_matches_a_given_class_of_the_same_value()
    {
        // Classes inferred from whole numbers are named "0", "1": a file that writes 1.0 (a validation file, or rows
        // to evaluate) means the class 1. A value that is no class is still an error.
        var data = CsvLoader.Load(_temp.Write("classes.csv", "a,y\n1,0\n2,1.0\n3,1e0\n"), Target("y") with { Classes = ["0", "1"] });
        Assert.Equal([0, 1, 1], data.Labels()!);
        var e = Fails("a,y\n1,0\n2,1.5\n", Target("y") with { Classes = ["0", "1"] }, 3, 2);
        Assert.Equal("class '1.5' in column 'y' is not one of the given classes: 0, 1", e.Problem);
    }

    [Fact]
    public void A_single_class_only()
    {
        var e = Fails("a,b,y\n1,2,cat\n3,4,cat\n", Target("y"), 1, 3);
        Assert.Equal("column 'y' holds a single class, 'cat'; classification needs at least two", e.Problem);
    }

    [Fact]
    public void An_empty_class_label()
    {
        var e = Fails("a,y\n1,cat\n2,\"\"\n3,dog\n", Target("y"), 3, 2);
        Assert.Equal("empty class label in column 'y'; --missing drop leaves such rows out", e.Problem);
    }

    [Fact]
    public void A_long_or_multi_line_cell_is_shown_on_one_short_line()
    {
        string cell = new string('x', 60);
        // (A number first: a column whose first value is text holds text categories, which may be long.)
        var e = Fails($"a,y\n0,1\n\"{cell}\nmore\",1\n", Target("y"), 3, 1);
        Assert.Equal($"'{new string('x', 40)}...' in column 'a' is not a number", e.Problem);
        var f = Fails("a,y\n0,1\n\"1\n2\",1\n", Target("y"), 3, 1);
        Assert.Equal(@"'1\n2' in column 'a' is not a number", f.Problem);
    }

    // ---- errors: quoting ----

    [Fact]
    public void Quotes_that_never_close_are_located_where_they_open()
    {
        var e = Fails("a,y\n1,2\n3,\"4\n5,6\n", Target("y"), 3, 2);
        Assert.Equal("the quotes that open field 2 here are never closed; the file ends inside them", e.Problem);
    }

    [Fact]
    public void Text_after_a_closing_quote()
    {
        var e = Fails("a,y\n1,\"2\"x\n", Target("y"), 2, 2);
        Assert.Equal("'x' after the closing quote of field 2; expected a comma or the end of the line", e.Problem);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field()
    {
        var e = Fails("a,y\n1,2\n3,5\"11\n", Target("y"), 3, 2);
        Assert.Contains("a quote inside unquoted field 2", e.Problem);
    }

    // ---- errors: the model's features ----

    [Fact]
    public void A_feature_the_model_needs_is_missing()
    {
        var e = Fails("a,c,y\n1,2,3\n", Target("y") with { ExpectFeatures = ["a", "b", "c"] }, 1, null);
        Assert.Equal("missing feature column 'b'; the model's features are: a, b, c", e.Problem);
    }

    [Fact]
    public void A_feature_missing_at_the_end()
    {
        var e = Fails("a,b,y\n1,2,3\n", Target("y") with { ExpectFeatures = ["a", "b", "c"] }, 1, null);
        Assert.Equal("missing feature column 'c'; the model's features are: a, b, c", e.Problem);
    }

    [Fact]
    public void A_column_the_model_does_not_know()
    {
        var e = Fails("a,y,b,z\n1,2,3,4\n", Target("y") with { ExpectFeatures = ["a", "b"] }, 1, 4);
        Assert.Equal("column 'z' is not a feature of the model; the model's features are: a, b", e.Problem);
    }

    [Fact]
    public void Features_in_another_order()
    {
        var e = Fails("y,b,a\n1,2,3\n", Target("y") with { ExpectFeatures = ["a", "b"] }, 1, 2);
        Assert.Equal("feature columns are in a different order: column 'b' is where the model expects 'a'; the model's features are: a, b", e.Problem);
    }

    // ---- bad options (the caller's mistake, not the file's) ----

    [Fact]
    public void Options_must_name_a_target()
    {
        string path = _temp.Write("ok.csv", "a,y\n1,2\n");
        var e = Assert.Throws<ArgumentException>(() => CsvLoader.Load(path, new CsvOptions()));
        Assert.Contains("target column", e.Message);
    }

    [Fact]
    public void Options_with_bad_classes()
    {
        string path = _temp.Write("ok.csv", "a,y,z\n1,2,3\n");
        Assert.Contains("at least two classes",
            Assert.Throws<ArgumentException>(() => CsvLoader.Load(path, Target("y") with { Classes = ["1"] })).Message);
        Assert.Contains("'1' is listed twice",
            Assert.Throws<ArgumentException>(() => CsvLoader.Load(path, Target("y") with { Classes = ["1", "2", "1"] })).Message);
        Assert.Contains("single target column",
            Assert.Throws<ArgumentException>(() => CsvLoader.Load(path, Target("y", "z") with { Classes = ["1", "2"] })).Message);
        Assert.Contains("'y' is named twice",
            Assert.Throws<ArgumentException>(() => CsvLoader.Load(path, Target("y", "y"))).Message);
    }
}

/// <summary>A fresh temporary folder for files a test writes, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("backprop-tests-").FullName;
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="name"/> inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte order mark, exactly as given (no newline added).</summary>
    public string Write(string name, string text) => Write(name, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/>.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

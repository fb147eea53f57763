using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Examples loaded from a file: one row of <see cref="Features"/> and one row of <see cref="Targets"/> per
/// example, in file order, with the names of their columns.
/// </summary>
public sealed class Dataset
{
    // Images keep their bytes (one a pixel, value = byte / 255) and make float64 features only when asked: a
    // float32 network then never holds an 8-byte copy of every pixel (Fashion-MNIST: 376 MB).
    // A CSV table keeps its values once (TableRows: float32 when every value is exact in it, else decimal codes when
    // every value is a short decimal, else float64; in memory, or mapped from a cache file); a split or a fold is a view of the same rows (TableView), and training scales rows as
    // batches are gathered (ScaledRows), so it never holds Features.
    private Matrix<double>? _features;
    private readonly byte[]? _pixels;
    private readonly TableView? _table;

    /// <summary>
    /// The inputs, shape (Count, FeatureNames.Count), in float64: for data made from a matrix, that matrix; for images
    /// and CSV tables, a matrix made on first use (training does not use it: changing it does not change what trains).
    /// </summary>
    public Matrix<double> Features => _features ??= _table is not null ? _table.ToMatrix() : FromPixels<double>();

    /// <summary>The outputs, shape (Count, t): numeric targets, or one-hot rows when <see cref="ClassNames"/> is set.</summary>
    public Matrix<double> Targets { get; }

    /// <summary>One name a column of <see cref="Features"/>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The target columns of the file: one a column of <see cref="Targets"/>, or the single class column.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>Set when <see cref="Targets"/> are one-hot classes: column i of Targets is class ClassNames[i].</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The file the examples came from.</summary>
    public string Source { get; }

    /// <summary>Number of examples (rows).</summary>
    public int Count { get; }

    /// <summary>
    /// How a table's columns became <see cref="Features"/> (numbers, one-hot text categories, missing values), or null
    /// for data that is not a table (images) or was made in code.
    /// </summary>
    internal InputSchema? Schema { get; init; }

    /// <summary>The delimiter a CSV file was read with, or null when the data is not from a CSV file.</summary>
    public char? Delimiter { get; init; }

    /// <summary>True when <see cref="Delimiter"/> was found in the file's header line rather than given.</summary>
    public bool DelimiterDetected { get; init; }

    /// <summary>The rows of the file left out because a cell was missing (the drop policy).</summary>
    public int DroppedRows { get; init; }

    /// <summary>
    /// How the loader read a single target column of whole numbers when no task was given (classes or numbers, and why),
    /// or null when the data left no choice open (text labels, fractions, several columns) or the task was given. It stays
    /// with the data through <see cref="ForTask"/>, <see cref="Split"/> and <see cref="Take"/>.
    /// </summary>
    internal InferredTask? InferredTask { get; init; }

    /// <summary>What the targets are: <see cref="TaskKind.Classification"/> when <see cref="ClassNames"/> is set, else <see cref="TaskKind.Regression"/>.</summary>
    public TaskKind Task => ClassNames is null ? TaskKind.Regression : TaskKind.Classification;

    /// <summary>Checks that the matrices and names agree in shape; the name lists are copied.</summary>
    public Dataset(Matrix<double> features, Matrix<double> targets, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> targetNames, IReadOnlyList<string>? classNames, string source)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(targetNames);
        ArgumentNullException.ThrowIfNull(source);
        if (features.Rows != targets.Rows)
            throw new ArgumentException($"Features have {features.Rows} rows but targets have {targets.Rows}.");
        if (features.Columns != featureNames.Count)
            throw new ArgumentException($"Features have {features.Columns} columns but {featureNames.Count} feature names.");
        if (classNames is null && targets.Columns != targetNames.Count)
            throw new ArgumentException($"Targets have {targets.Columns} columns but {targetNames.Count} target names.");
        if (classNames is not null && targetNames.Count != 1)
            throw new ArgumentException($"One-hot class targets come from one target column, not {targetNames.Count}.");
        if (classNames is not null && targets.Columns != classNames.Count)
            throw new ArgumentException($"One-hot targets have {targets.Columns} columns but there are {classNames.Count} class names.");
        _features = features;
        Count = features.Rows;
        Targets = targets;
        FeatureNames = featureNames.ToArray();
        TargetNames = targetNames.ToArray();
        ClassNames = classNames?.ToArray();
        Source = source;
    }

    /// <summary>Images: <paramref name="pixels"/> holds <paramref name="count"/> rows of bytes, each feature byte / 255.</summary>
    internal Dataset(byte[] pixels, int count, Matrix<double> targets, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> targetNames, IReadOnlyList<string>? classNames, string source)
        : this(new Matrix<double>(count, 0), targets, [], targetNames, classNames, source)
    {
        if (pixels.Length != (long)count * featureNames.Count)
            throw new ArgumentException($"{pixels.Length} pixels do not make {count} rows of {featureNames.Count}.");
        _features = null;
        _pixels = pixels;
        FeatureNames = featureNames as PixelNames ?? (IReadOnlyList<string>)featureNames.ToArray(); // pixel names are made when read
    }

    /// <summary>A table's rows held once (a CSV file's): <paramref name="table"/>'s rows, as <see cref="Features"/> would hold them.</summary>
    internal Dataset(TableView table, Matrix<double> targets, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> targetNames, IReadOnlyList<string>? classNames, string source)
        : this(new Matrix<double>(table.Rows, 0), targets, [], targetNames, classNames, source)
    {
        if (table.Columns != featureNames.Count)
            throw new ArgumentException($"Features have {table.Columns} columns but {featureNames.Count} feature names.");
        _features = null;
        _table = table;
        FeatureNames = featureNames.ToArray();
    }

    /// <summary>The rows of a table (a CSV file's), or null for images and data made from a matrix.</summary>
    internal TableView? Table => _table;

    /// <summary>The inputs as the file holds them, row by row in float64: the table's rows, or <see cref="Features"/>.</summary>
    internal IRowSource<double> Raw => _table ?? (IRowSource<double>)(_pixels is not null ? new PixelRows<double>(_pixels, Count, FeatureNames.Count, null) : Features);

    // The pixel bytes of images (empty otherwise), for the data's fingerprint.
    internal ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>True for images (IDX files): the inputs are bytes, each feature byte / 255.</summary>
    public bool IsImages => _pixels is not null;

    /// <summary>For images, each image's size in pixels (its inputs are its rows of pixels, one after another); null otherwise.</summary>
    public (int Height, int Width)? ImageShape { get; init; }

    /// <summary>A new matrix of the inputs in the precision asked for (images convert from their bytes directly).</summary>
    public Matrix<T> FeaturesAs<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        _pixels is not null ? FromPixels<T>() : _table is not null ? Normalization.None(FeatureNames.Count).Apply<T>(_table) : Features.Cast<T>();

    /// <summary>
    /// The inputs as rows in the precision asked for, scaled by <paramref name="normalization"/> when given: the
    /// same values as <see cref="Normalization.Apply{T}(Dataset)"/>. Images stay bytes and each row converts as it is
    /// read, so training holds no float copy of the whole dataset (Fashion-MNIST's training images: 45 MiB instead of
    /// 180 MiB in float32); a CSV table's values are scaled in float64, as parsed, then converted, each row as it is read
    /// (a table of at most 4 MiB in <typeparamref name="T"/> into a new matrix at once); data made from a matrix into a
    /// new matrix.
    /// </summary>
    public IRowSource<T> RowsAs<T>(Normalization? normalization = null) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (_pixels is not null) return new PixelRows<T>(_pixels, Count, FeatureNames.Count, normalization);
        // A small table is scaled once into a matrix (the fastest rows to gather); a larger one as its rows are read.
        if (_table is not null && (_table.Table.IsMapped || (long)Count * FeatureNames.Count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() > ScaleOnceBytes))
            return new ScaledRows<T>(_table, normalization ?? Normalization.None(FeatureNames.Count));
        return normalization is null ? FeaturesAs<T>() : normalization.Apply<T>(this);
    }

    /// <summary>
    /// The largest table (its inputs in the training precision) whose scaled inputs training makes once, as one matrix;
    /// a larger one is scaled row by row as batches are gathered, to the same values.
    /// </summary>
    internal static long ScaleOnceBytes => s_scaleOnce.Value ?? 4L << 20;

    private static readonly AsyncLocal<long?> s_scaleOnce = new();

    /// <summary>For tests: makes <paramref name="bytes"/> the <see cref="ScaleOnceBytes"/> of the calling flow until disposed.</summary>
    internal static IDisposable ScaleOnceLimit(long bytes)
    {
        long? previous = s_scaleOnce.Value;
        s_scaleOnce.Value = bytes;
        return new RestoreScaleOnce(previous);
    }

    private sealed class RestoreScaleOnce(long? previous) : IDisposable
    {
        public void Dispose() => s_scaleOnce.Value = previous;
    }

    private Matrix<T> FromPixels<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var values = new T[256];
        for (int v = 0; v < 256; v++) values[v] = T.CreateChecked(v / 255.0);
        var result = new Matrix<T>(Count, FeatureNames.Count);
        var span = result.Span;
        for (int i = 0; i < span.Length; i++) span[i] = values[_pixels![i]];
        return result;
    }
    /// <summary>
    /// Splits off <paramref name="secondFraction"/> of the rows (rounded to the nearest row) as the second set, chosen as
    /// <paramref name="kind"/> says: by default at random after <paramref name="seed"/>, stratified by class for classes
    /// (as scikit-learn's <c>train_test_split(..., stratify=y)</c>); or the last rows, in file order. Both sets must get at
    /// least one row; <see cref="MissingClasses"/> says when a class ended up on one side only.
    /// </summary>
    /// <exception cref="ArgumentException">The fraction is not between 0 and 1, or leaves a set empty.</exception>
    public (Dataset First, Dataset Second) Split(double secondFraction, SplitKind kind = SplitKind.Shuffled, uint seed = 1)
    {
        if (!(secondFraction > 0 && secondFraction < 1))
            throw new ArgumentException($"The split fraction must be between 0 and 1 (exclusive); got {secondFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(secondFraction));
        int second = (int)Math.Round(Count * secondFraction, MidpointRounding.AwayFromZero);
        int first = Count - second;
        if (first == 0 || second == 0)
            throw new ArgumentException(
                $"Splitting {Count} row{(Count == 1 ? "" : "s")} of {Source} at fraction {secondFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
                $"gives {first} and {second} rows; both parts need at least one row.", nameof(secondFraction));
        if (kind == SplitKind.Last) return (Rows(0, first), Rows(first, Count));
        if (kind != SplitKind.Shuffled) throw new ArgumentOutOfRangeException(nameof(kind), $"{kind} is not a split kind.");

        int[] order = new NumpyRandom(seed).Permutation(Count);
        int[]? labels = Labels();
        if (labels is null) return (Take(order[second..]), Take(order[..second]));   // as train_test_split: test first in the permutation
        // Stratified: each class holds out its share of the rows, rounded so that the shares add up to the total (largest
        // remainders first; ties go to the larger class, then the earlier one); each class's rows are taken in the drawn order.
        int classes = ClassNames!.Count;
        var counts = new int[classes];
        foreach (int label in labels) counts[label]++;
        var quota = new int[classes];
        for (int c = 0; c < classes; c++) quota[c] = (int)Math.Floor((double)counts[c] * second / Count);
        int left = second - quota.Sum();
        foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => (double)counts[c] * second / Count - quota[c]).ThenByDescending(c => counts[c]).Take(left))
            quota[c]++;
        var held = new List<int>(second);
        var kept = new List<int>(first);
        foreach (int row in order)
        {
            if (quota[labels[row]] > 0)
            {
                quota[labels[row]]--;
                held.Add(row);
            }
            else kept.Add(row);
        }
        return (Take(kept), Take(held));
    }

    /// <summary>
    /// When <paramref name="train"/> and <paramref name="validation"/> hold classes and some class has rows on one side
    /// only, a sentence naming them ("class 'virginica' has no training rows"), or null when every class is on both sides.
    /// </summary>
    public static string? MissingClasses(Dataset train, Dataset validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        if (train.ClassNames is not { } names || validation.ClassNames is null || validation.ClassNames.Count != names.Count) return null;
        var inTrain = new bool[names.Count];
        var inValidation = new bool[names.Count];
        foreach (int label in train.Labels()!) inTrain[label] = true;
        foreach (int label in validation.Labels()!) inValidation[label] = true;
        static string Classes(IEnumerable<string> list) => list.Count() == 1 ? $"class {MessageText.Quote(list.First())} has" : $"classes {string.Join(", ", list.Select(n => MessageText.Quote(n)))} have";
        var noTrain = names.Where((_, c) => !inTrain[c]).ToArray();
        var noValidation = names.Where((_, c) => !inValidation[c] && inTrain[c]).ToArray();
        var parts = new List<string>();
        if (noTrain.Length > 0) parts.Add($"{Classes(noTrain)} no training rows: the model never learns {(noTrain.Length == 1 ? "it" : "them")}");
        if (noValidation.Length > 0) parts.Add($"{Classes(noValidation)} no validation rows");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order (repeats allowed), as a new dataset.</summary>
    public Dataset Take(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = FeatureNames.Count;
        if (_table is not null)
        {
            var view = _table.Take(rows);
            var picked = new Matrix<double>(rows.Count, Targets.Columns);
            for (int i = 0; i < rows.Count; i++) Targets.RowSpan(rows[i]).CopyTo(picked.RowSpan(i));
            return new Dataset(view, picked, FeatureNames, TargetNames, ClassNames, Source)
            {
                Schema = Schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected, InferredTask = InferredTask,
            };
        }
        var pixels = _pixels is null ? null : new byte[(long)rows.Count * width];
        var features = _pixels is null ? new Matrix<double>(rows.Count, width) : null;
        var targets = new Matrix<double>(rows.Count, Targets.Columns);
        for (int i = 0; i < rows.Count; i++)
        {
            int row = rows[i];
            if ((uint)row >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rows), $"Row {row} is outside a dataset of {Count} rows.");
            if (pixels is not null) _pixels.AsSpan(row * width, width).CopyTo(pixels.AsSpan(i * width, width));
            else Features.RowSpan(row).CopyTo(features!.RowSpan(i));
            Targets.RowSpan(row).CopyTo(targets.RowSpan(i));
        }
        return pixels is not null
            ? new Dataset(pixels, rows.Count, targets, FeatureNames, TargetNames, ClassNames, Source) { ImageShape = ImageShape, InferredTask = InferredTask }
            : new Dataset(features!, targets, FeatureNames, TargetNames, ClassNames, Source)
            {
                Schema = Schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected, InferredTask = InferredTask,
            };
    }

    /// <summary>
    /// This data with its targets read for <paramref name="task"/>: itself when they already are; a single column of
    /// numbers as classes (one a distinct value, in increasing order, or <paramref name="classNames"/> when given, each
    /// value matched to the class name that reads as it); classes whose names are numbers as one column of those numbers.
    /// </summary>
    /// <exception cref="DataException">The targets cannot be read so: text labels for a regression, several target columns
    /// or a value that is none of <paramref name="classNames"/> for a classification.</exception>
    public Dataset ForTask(TaskKind task, IReadOnlyList<string>? classNames = null)
    {
        if (task == Task) return this;
        string column = MessageText.Quote(string.Join(",", TargetNames));
        Matrix<double> targets;
        IReadOnlyList<string>? classes;
        if (task == TaskKind.Regression)
        {
            var values = new double[ClassNames!.Count];
            for (int c = 0; c < values.Length; c++)
                if (!FastNumber.TryParse(ClassNames[c].Trim(), out values[c]) || !double.IsFinite(values[c]))
                    throw new DataException(Source, $"target column {column} holds labels such as {MessageText.Quote(ClassNames[c])}; regression needs numbers to predict (task classification reads labels)");
            int[] labels = Labels()!;
            targets = new Matrix<double>(Count, 1);
            for (int r = 0; r < Count; r++) targets[r, 0] = values[labels[r]];
            classes = null;
        }
        else
        {
            if (Targets.Columns != 1)
                throw new DataException(Source, $"classification takes a single target column of labels, not {Targets.Columns}: {MessageText.List(TargetNames)}");
            double[] column0 = Targets.Span.ToArray();   // one column: the span is the column
            classes = classNames ?? column0.Select(v => v == 0 ? 0 : v).Distinct().Order()
                .Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (classes.Count < 2 || classes.Count > CsvLoader.MaxCategories)
                throw new DataException(Source, $"target column {column} holds {classes.Count} distinct value{(classes.Count == 1 ? "" : "s")}; classification needs from 2 to {CsvLoader.MaxCategories} classes");
            var code = new Dictionary<double, int>();
            for (int c = 0; c < classes.Count; c++)
                if (FastNumber.TryParse(classes[c].Trim(), out double v) && double.IsFinite(v)) code.TryAdd(v == 0 ? 0 : v, c);
            targets = new Matrix<double>(Count, classes.Count);
            for (int r = 0; r < Count; r++)
            {
                double v = column0[r];
                if (!code.TryGetValue(v == 0 ? 0 : v, out int c))
                    throw new DataException(Source, $"target {v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} in row {r + 1} is not one of the classes: {MessageText.List(classes)}");
                targets[r, c] = 1;
            }
        }
        return _pixels is not null
            ? new Dataset(_pixels, Count, targets, FeatureNames, TargetNames, classes, Source) { ImageShape = ImageShape, InferredTask = InferredTask }
            : Like(targets, classes, Schema, _table);
    }

    // This table's (or matrix's) inputs with other targets, schema or view.
    private Dataset Like(Matrix<double> targets, IReadOnlyList<string>? classes, InputSchema? schema, TableView? table) => table is not null
        ? new Dataset(table, targets, FeatureNames, TargetNames, classes, Source)
        {
            Schema = schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected, DroppedRows = DroppedRows, InferredTask = InferredTask, CacheNote = CacheNote,
        }
        : new Dataset(Features, targets, FeatureNames, TargetNames, classes, Source)
        {
            Schema = schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected, DroppedRows = DroppedRows, InferredTask = InferredTask, CacheNote = CacheNote,
        };

    /// <summary>What a cache file did for this data (written, or reused), for the command line to say; null without one.</summary>
    internal string? CacheNote { get; init; }

    /// <summary>This table's data, saying <paramref name="note"/> of its cache file.</summary>
    internal Dataset WithCacheNote(string note) => new(_table!, Targets, FeatureNames, TargetNames, ClassNames, Source)
    {
        Schema = Schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected, DroppedRows = DroppedRows, InferredTask = InferredTask, CacheNote = note,
    };

    /// <summary>This table with missing cells filled with <paramref name="fills"/> (one a column, NaN: none) as rows are read.</summary>
    internal Dataset WithFills(InputSchema schema, double[] fills) =>
        Like(Targets, ClassNames, schema, new TableView(_table!.Table, _table.Index, fills));

    /// <summary>
    /// What a careful person would point out about this CSV table before training on it, a sentence each (empty for
    /// images, and when nothing stands out): column names that are numbers (a file without a header, or one that starts
    /// with a line of counts, as scikit-learn's own CSV files do); a text column with at least 20 categories and at most
    /// two rows a category (a name or an identifier, which one-hot a network can only memorize); a column of numbers
    /// that counts the rows (a row number, which tells where a row is, not what it is). Nothing is changed: the file
    /// decides. <c>backprop train</c>, <c>cv</c> and <c>sweep</c> print each as a <c>note:</c> line.
    /// </summary>
    public IReadOnlyList<string> Notes() => DataNotes.Of(this);

    /// <summary>The class index of each row (the column of its largest target), or null when targets are not classes.</summary>
    public int[]? Labels()
    {
        if (ClassNames is null) return null;
        var labels = new int[Count];
        for (int r = 0; r < Count; r++)
        {
            var row = Targets.RowSpan(r);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
                if (row[c] > row[best]) best = c;
            labels[r] = best;
        }
        return labels;
    }

    /// <summary>This dataset (its matrices shared, not copied) with <paramref name="schema"/> as its <see cref="Schema"/>.</summary>
    internal Dataset WithSchema(InputSchema schema) => _pixels is not null
        ? throw new InvalidOperationException("Images have no table schema.")
        : Like(Targets, ClassNames, schema, _table);

    private Dataset Rows(int start, int end) => Take(Enumerable.Range(start, end - start).ToArray());
}

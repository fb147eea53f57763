namespace Backprop.Data;

/// <summary>
/// Examples loaded from a file: one row of <see cref="Features"/> and one row of <see cref="Targets"/> per
/// example, in file order, with the names of their columns.
/// </summary>
public sealed class Dataset
{
    // Images keep their bytes (one a pixel, value = byte / 255) and make float64 features only when asked: a
    // float32 network then never holds an 8-byte copy of every pixel (Fashion-MNIST: 376 MB).
    private Matrix<double>? _features;
    private readonly byte[]? _pixels;

    /// <summary>The inputs, shape (Count, FeatureNames.Count), in float64 (made on first use for images).</summary>
    public Matrix<double> Features => _features ??= FromPixels<double>();

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
    public InputSchema? Schema { get; init; }

    /// <summary>The delimiter a CSV file was read with, or null when the data is not from a CSV file.</summary>
    public char? Delimiter { get; init; }

    /// <summary>True when <see cref="Delimiter"/> was found in the file's header line rather than given.</summary>
    public bool DelimiterDetected { get; init; }

    /// <summary>The rows of the file left out because a cell was missing (the drop policy).</summary>
    public int DroppedRows { get; init; }

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

    // The pixel bytes of images (empty otherwise), for the data's fingerprint.
    internal ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>True for images (IDX files): the inputs are bytes, each feature byte / 255.</summary>
    public bool IsImages => _pixels is not null;

    /// <summary>For images, each image's size in pixels (its inputs are its rows of pixels, one after another); null otherwise.</summary>
    public (int Height, int Width)? ImageShape { get; init; }

    /// <summary>A new matrix of the inputs in the precision asked for (images convert from their bytes directly).</summary>
    public Matrix<T> FeaturesAs<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        _pixels is not null ? FromPixels<T>() : Features.Cast<T>();

    /// <summary>
    /// The inputs as rows in the precision asked for, scaled by <paramref name="normalization"/> when given: the
    /// same values as <see cref="Normalization.Apply{T}(Dataset)"/>. Images stay bytes and each row converts as it is
    /// read, so training holds no float copy of the whole dataset (Fashion-MNIST's training images: 45 MiB instead of
    /// 180 MiB in float32); other data is scaled in float64, as in the file, then converted into a new matrix.
    /// </summary>
    public IRowSource<T> RowsAs<T>(Normalization? normalization = null) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (_pixels is not null) return new PixelRows<T>(_pixels, Count, FeatureNames.Count, normalization);
        return normalization is null ? FeaturesAs<T>() : normalization.Apply<T>(this);
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
    /// Splits off the last <paramref name="secondFraction"/> of the rows (rounded to the nearest row, in file
    /// order) as the second set; both sets must get at least one row.
    /// </summary>
    public (Dataset First, Dataset Second) Split(double secondFraction)
    {
        if (!(secondFraction > 0 && secondFraction < 1))
            throw new ArgumentException($"The split fraction must be between 0 and 1 (exclusive); got {secondFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(secondFraction));
        int second = (int)Math.Round(Count * secondFraction, MidpointRounding.AwayFromZero);
        int first = Count - second;
        if (first == 0 || second == 0)
            throw new ArgumentException(
                $"Splitting {Count} row{(Count == 1 ? "" : "s")} of {Source} at fraction {secondFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
                $"gives {first} and {second} rows; both parts need at least one row.", nameof(secondFraction));
        return (Rows(0, first), Rows(first, Count));
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order (repeats allowed), as a new dataset.</summary>
    public Dataset Take(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = FeatureNames.Count;
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
            ? new Dataset(pixels, rows.Count, targets, FeatureNames, TargetNames, ClassNames, Source) { ImageShape = ImageShape }
            : new Dataset(features!, targets, FeatureNames, TargetNames, ClassNames, Source)
            {
                Schema = Schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected,
            };
    }

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
        : new Dataset(Features, Targets, FeatureNames, TargetNames, ClassNames, Source)
        {
            Schema = schema, Delimiter = Delimiter, DelimiterDetected = DelimiterDetected, DroppedRows = DroppedRows,
        };

    private Dataset Rows(int start, int end) => Take(Enumerable.Range(start, end - start).ToArray());
}

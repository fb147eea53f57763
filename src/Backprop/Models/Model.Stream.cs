using System.Numerics;
using Backprop.Data;
using Backprop.Losses;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Models;

// Evaluating and predicting a file read a chunk of rows at a time (CsvChunkReader), so that memory holds a chunk, not
// the file: what backprop evaluate and predict do. The numbers are those of the whole file read at once, bit for bit:
// the rows are computed in blocks of 1000 counted from the file's first row whatever the chunks, as Evaluate(Dataset)
// and Predict(Dataset) compute them.
public sealed partial record Model
{
    /// <summary>About how many bytes of float64 inputs a chunk of a file holds (<see cref="ChunkRows"/>).</summary>
    internal const long ChunkBytes = 8L << 20;

    /// <summary>The rows of a chunk when a file streams: about <see cref="ChunkBytes"/> of inputs, 64 to 65,536 rows.</summary>
    internal int ChunkRows => (int)Math.Clamp(ChunkBytes / (8L * Math.Max(1, Spec.Inputs)), 64, 65_536);

    // The block of rows computed at once: Evaluation.Run's chunk and the Predictor's.
    private const int BlockRows = 1000;

    /// <summary>
    /// Predicts each row of the CSV or IDX file at <paramref name="path"/> (read as <see cref="ReadData"/> reads it)
    /// and writes the predictions to <paramref name="output"/> as <see cref="Predictions.WriteCsv"/> writes them, the
    /// same text, as it goes: a CSV file is read a chunk of rows at a time, so memory holds a chunk (about 8 MiB of
    /// inputs), not the file. Nothing is written before the first chunk is read and predicted; an error in a later
    /// chunk leaves the rows before it written (write to a file aside, then rename it, to keep none).
    /// </summary>
    /// <returns>The number of rows predicted.</returns>
    /// <exception cref="DataException">The file cannot be read as the model's inputs; names the file, line and column.</exception>
    /// <param name="path">A CSV file with a header row, an IDX images file, or a folder of IDX pairs.</param>
    /// <param name="output">Where the CSV goes.</param>
    /// <param name="csv">How to read a CSV file: its delimiter, and what a category the model has not seen does (<see cref="CsvOptions.Unknown"/>); the columns come from the model.</param>
    public long PredictFile(string path, TextWriter output, CsvOptions? csv = null) => PredictFile(path, output, csv, ChunkRows);

    internal long PredictFile(string path, TextWriter output, CsvOptions? csv, int chunkRows)
    {
        ArgumentNullException.ThrowIfNull(output);
        var predictor = new Predictor(this);
        return Precision == Precision.F64 ? Run<double>() : Run<float>();

        long Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            Matrix<T>? block = null;
            int filled = 0;
            long rows = 0;
            bool header = false, first = true;
            var pending = new StringWriter();   // the first chunk's text, written once the chunk is read
            TextWriter to = pending;
            // A block's text is made aside and written at once: one write a block to an unbuffered writer (the console).
            var text = new System.Text.StringBuilder();
            var textWriter = new StringWriter(text, System.Globalization.CultureInfo.InvariantCulture);
            void Write(int count)
            {
                var predictions = predictor.PredictScaled<T>(block!.Span[..(count * Spec.Inputs)], count);
                if (!header) predictions.WriteHeader(textWriter);
                header = true;
                predictions.WriteRows(textWriter);
                to.Write(text);
                text.Clear();
                rows += count;
                filled = 0;
            }
            ForEachChunk(path, withTargets: false, csv, chunkRows, chunk =>
            {
                var x = chunk.RowsAs<T>(Normalization);
                block ??= new Matrix<T>(BlockRows, Spec.Inputs);
                for (int r = 0; r < x.Rows; r++)
                {
                    x.CopyRow(r, block.RowSpan(filled++));
                    if (filled == BlockRows) Write(BlockRows);
                }
                if (!first) return;
                first = false;
                output.Write(pending.ToString());
                to = output;
            });
            if (filled > 0) Write(filled);
            return rows;
        }
    }

    /// <summary>
    /// The mean loss and, for classes, the accuracy of this model on the CSV or IDX file at <paramref name="path"/>
    /// (read as <see cref="ReadData"/> reads it, with the targets): what <see cref="Evaluate(Dataset)"/> gives for the
    /// whole file, the same numbers, with the file read a chunk of rows at a time (memory: a chunk, about 8 MiB of
    /// inputs, and <see cref="EvaluationResult.Predicted"/> and <see cref="EvaluationResult.Actual"/>, 8 bytes a row).
    /// </summary>
    /// <exception cref="DataException">The file cannot be read as the model's inputs and targets; names the file, line and column.</exception>
    public EvaluationResult Evaluate(string path, CsvOptions? csv = null) => EvaluateFile(path, csv, keepRows: true, ChunkRows).Result;

    /// <summary>
    /// <see cref="Evaluate(string, CsvOptions?)"/>, also giving the rows measured, those left out for a missing cell, and
    /// the data's name; without <paramref name="keepRows"/> the result holds the confusion counts instead of each row's
    /// classes, so that memory holds a chunk whatever the file's size.
    /// </summary>
    internal (EvaluationResult Result, long Rows, long Dropped, string Source) EvaluateFile(string path, CsvOptions? csv, bool keepRows, int chunkRows)
    {
        return Precision == Precision.F64 ? Run<double>() : Run<float>();

        (EvaluationResult, long, long, string) Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var accumulator = new EvaluationAccumulator<T>(ToNetwork<T>(), LossCatalog.For<T>(Loss, Spec.OutputActivation), Spec.Inputs, Spec.Outputs, keepRows);
            string? source = null;
            long dropped = ForEachChunk(path, withTargets: true, csv, chunkRows, chunk =>
            {
                source ??= chunk.Source;
                accumulator.Add(chunk.RowsAs<T>(Normalization), OutputTargets(chunk).Cast<T>());
            });
            return (accumulator.Finish() with { Classes = Classes }, accumulator.Rows, dropped, source ?? path);
        }
    }

    // Each chunk of the file, read as ReadData reads the whole file (IDX images, already bytes, are one chunk);
    // returns the rows left out for a missing cell.
    private long ForEachChunk(string path, bool withTargets, CsvOptions? csv, int chunkRows, Action<Dataset> each)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DataException(path, "no such file or folder");
        if (Directory.Exists(path) || IdxLoader.LooksLikeIdx(path))
        {
            var data = ReadData(path, withTargets, csv);
            each(data);
            return data.DroppedRows;
        }
        using var chunks = new CsvChunkReader(path, CsvReadOptions(path, withTargets, csv), chunkRows);
        while (chunks.Next() is { } chunk)
        {
            CheckRead(path, chunk, withTargets);
            each(chunk);
        }
        return chunks.Dropped;
    }
}

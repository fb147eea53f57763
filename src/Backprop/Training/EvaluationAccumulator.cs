using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Measures a network on rows given in pieces of any size (a file read a chunk at a time), with the numbers of
/// <see cref="Evaluation.Run"/> on all the rows at once, bit for bit: the rows are gathered into blocks of the same
/// fixed number of rows (1000) counted from the first row, and each block is measured as Run measures it: its loss
/// summed by the loss in the network's precision, then added in float64 to the total, block after block; the classes
/// and regression errors row by row, in order. Holds one block, and for each row its predicted and actual class
/// (4 bytes each) only when asked to (<c>keepRows</c>); otherwise the confusion counts.
/// </summary>
internal sealed class EvaluationAccumulator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Network<T> _network;
    private readonly ILoss<T> _loss;
    private readonly int _inputs, _outputs, _blockRows;
    private readonly bool _keepRows;
    private readonly RegressionAccumulator _errors;
    private readonly int[,]? _counts;
    private Matrix<T>? _x, _y;
    private int _filled;
    private int[] _predicted, _actual;
    private double _total;
    private long _rows, _correct;

    /// <param name="network">The network, run in evaluation mode.</param>
    /// <param name="loss">The loss summed over each block.</param>
    /// <param name="inputs">Values a row of inputs.</param>
    /// <param name="outputs">Values a row of targets: the network's outputs.</param>
    /// <param name="keepRows">Keep each row's predicted and actual class (<see cref="EvaluationResult.Predicted"/>); otherwise only their counts.</param>
    /// <param name="expectedRows">How many rows will come, when known (room for them is made at once), else 0.</param>
    /// <param name="blockRows">Rows a block: <see cref="Evaluation.Run"/>'s chunk.</param>
    public EvaluationAccumulator(Network<T> network, ILoss<T> loss, int inputs, int outputs, bool keepRows, int expectedRows = 0, int blockRows = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        _network = network;
        _loss = loss;
        _inputs = inputs;
        _outputs = outputs;
        _keepRows = keepRows;
        // Run's chunks are as long as the data when it is shorter: the one block is all of it.
        _blockRows = expectedRows > 0 ? Math.Min(blockRows, expectedRows) : blockRows;
        _predicted = keepRows ? new int[expectedRows] : [];
        _actual = keepRows ? new int[expectedRows] : [];
        if (!keepRows) _counts = new int[Math.Max(2, outputs), Math.Max(2, outputs)];
        _errors = new RegressionAccumulator(outputs);
    }

    /// <summary>The rows measured so far (those waiting in a block included).</summary>
    public long Rows => _rows + _filled;

    /// <summary>Adds the rows of <paramref name="x"/> (inputs, scaled) with their targets <paramref name="y"/>, after those added before.</summary>
    public void Add(IRowSource<T> x, Matrix<T> y)
    {
        Examples.CheckSameRows(x, y);
        if (x.Columns != _inputs) throw new ArgumentException($"The rows have {x.Columns} inputs; the network takes {_inputs}.", nameof(x));
        if (y.Columns != _outputs) throw new ArgumentException($"The targets have {y.Columns} columns; the network gives {_outputs} outputs.", nameof(y));
        _x ??= new Matrix<T>(_blockRows, _inputs);
        _y ??= new Matrix<T>(_blockRows, _outputs);
        for (int r = 0; r < x.Rows;)
        {
            int take = Math.Min(_blockRows - _filled, x.Rows - r);
            for (int i = 0; i < take; i++)
            {
                x.CopyRow(r + i, _x.RowSpan(_filled + i));
                y.RowSpan(r + i).CopyTo(_y.RowSpan(_filled + i));
            }
            _filled += take;
            r += take;
            if (_filled == _blockRows) Measure(_x, _y);
        }
    }

    /// <summary>Measures the rows still waiting (the last, shorter block) and gives the result (NaN loss and accuracy for no rows).</summary>
    public EvaluationResult Finish()
    {
        if (_filled > 0)
        {
            // The last block as Run's last chunk: a matrix of just its rows.
            var x = new Matrix<T>(_filled, _inputs);
            var y = new Matrix<T>(_filled, _outputs);
            _x!.Span[..x.Span.Length].CopyTo(x.Span);
            _y!.Span[..y.Span.Length].CopyTo(y.Span);
            Measure(x, y);
        }
        long n = _rows;
        if (_keepRows && _predicted.Length != n)
        {
            Array.Resize(ref _predicted, (int)n);
            Array.Resize(ref _actual, (int)n);
        }
        return new EvaluationResult(n == 0 ? double.NaN : _total / n, n == 0 ? double.NaN : (double)_correct / n, _predicted, _actual)
        {
            Columns = _errors.Result(),
            Counts = _counts,
        };
    }

    private void Measure(Matrix<T> x, Matrix<T> y)
    {
        var prediction = _network.Forward(x, training: false);
        _total += double.CreateChecked(_loss.Loss(prediction, y));
        if (_keepRows && _predicted.Length < _rows + x.Rows)
        {
            int size = (int)Math.Min(Array.MaxLength, Math.Max(_rows + x.Rows, 2L * _predicted.Length));
            Array.Resize(ref _predicted, size);
            Array.Resize(ref _actual, size);
        }
        for (int r = 0; r < prediction.Rows; r++)
        {
            int predicted = Metrics.ClassOf<T>(prediction.RowSpan(r)), actual = Metrics.ClassOf<T>(y.RowSpan(r));
            if (_keepRows)
            {
                _predicted[_rows + r] = predicted;
                _actual[_rows + r] = actual;
            }
            else _counts![actual, predicted]++;
            if (predicted == actual) _correct++;
            _errors.Add<T>(prediction.RowSpan(r), y.RowSpan(r));
        }
        _rows += x.Rows;
        _filled = 0;
    }
}

using System.Numerics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop;

/// <summary>
/// A resolved <see cref="Recipe"/> made real for one training set, in precision <typeparamref name="T"/>: the inputs
/// scaled by a normalization fitted on them, the network, its loss and its trainer. The command line's train,
/// trace, explain and gradcheck all start here; <see cref="Recipe.Fit"/> is the one-call way.
/// </summary>
public sealed class Learner<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _x;

    /// <summary>Builds everything <paramref name="recipe"/> (resolved: every setting set) describes for <paramref name="train"/>.</summary>
    /// <exception cref="DataException">A column of <paramref name="train"/> overflows the normalization or precision <typeparamref name="T"/>.</exception>
    public Learner(Recipe recipe, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(train);
        if (recipe.Loss is null || recipe.Optimizer is null || recipe.Alpha is null || recipe.Batch is null || recipe.Normalize is null)
            throw new ArgumentException("The recipe is not resolved: call Recipe.Resolve(train) first.", nameof(recipe));
        Recipe = recipe;
        Train = train;
        // The scaling is fitted on the values as the file holds them, in float64; a column that would overflow it or
        // the network's precision is refused here (a DataException naming it), not found as infinities later.
        Normalization = Normalization.Fit<T>(recipe.Normalize, train);
        // Inputs in the network's precision, scaled: images stay bytes and convert row by row as batches are
        // gathered (Fashion-MNIST in float32: 45 MiB of bytes rather than 180 MiB of floats); other data is a matrix.
        Rows = train.RowsAs<T>(Normalization);
        Y = train.Targets.Cast<T>();
        Spec = recipe.SpecFor(train.FeatureNames.Count, train.Targets.Columns);
        Random = new NumpyRandom(recipe.Seed ?? 1);
        Network = Spec.Build<T>(Random);
        Loss = LossCatalog.For<T>(recipe.Loss, Spec.OutputActivation);
        Trainer = new Trainer<T>(Network, Loss, Optimizers.Create<T>(recipe.Optimizer, recipe.Alpha.Value, recipe.MomentumBeta))
        {
            Batching = recipe.Batch.Value,
            ShuffleWith = recipe.Shuffle == true ? Random : null,
            L2 = recipe.L2,
            CountClasses = train.ClassNames is not null || LossCatalog.PredictsClasses(recipe.Loss, Spec.OutputActivation, Spec.Outputs),
            EarlyStoppingPatience = recipe.Patience,
        };
    }

    /// <summary>The resolved recipe.</summary>
    public Recipe Recipe { get; }

    /// <summary>The training data.</summary>
    public Dataset Train { get; }

    /// <summary>The input scaling, fitted on the training data.</summary>
    public Normalization Normalization { get; }

    /// <summary>The scaled training inputs, row by row (what training reads).</summary>
    public IRowSource<T> Rows { get; }

    /// <summary>The scaled training inputs as one matrix, made on first use (trace, explain and gradcheck look at every value).</summary>
    public Matrix<T> X => _x ??= Rows as Matrix<T> ?? Normalization.Apply<T>(Train);

    /// <summary>The training targets.</summary>
    public Matrix<T> Y { get; }

    /// <summary>The network's architecture.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The random stream the weights were drawn from, which shuffling and dropout go on drawing from.</summary>
    public NumpyRandom Random { get; }

    /// <summary>The network being trained.</summary>
    public Network<T> Network { get; }

    /// <summary>The loss (as the recipe named it, for the network's output).</summary>
    public ILoss<T> Loss { get; }

    /// <summary>The trainer, with the recipe's batching, shuffling, L2 and early stopping.</summary>
    public Trainer<T> Trainer { get; }

    /// <summary>Scaled inputs and targets of another dataset (validation or test), as the network takes them.</summary>
    public (IRowSource<T> X, Matrix<T> Y) Prepare(Dataset data) => (data.RowsAs<T>(Normalization), data.Targets.Cast<T>());

    /// <summary>Trains for the recipe's epochs, measuring <paramref name="validation"/> after each when given.</summary>
    public TrainingHistory Fit(Dataset? validation = null, CancellationToken cancellation = default) =>
        Trainer.Fit(Rows, Y, Recipe.Epochs ?? 20, validation is null ? null : Prepare(validation), cancellation);

    /// <summary>The trained network with its scaling and names, ready to save or use.</summary>
    public Model ToModel() =>
        Model.From(Network, Normalization, Train.FeatureNames, Train.TargetNames, Train.ClassNames, Loss.Name);
}

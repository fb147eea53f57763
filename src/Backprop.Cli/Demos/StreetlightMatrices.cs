namespace Backprop.Cli.Demos;

/// <summary>Notes, "Streetlights example": the same pattern as dimmer values and as their multiples.</summary>
internal sealed class StreetlightMatrices : Demo
{
    public override string Name => "streetlights";

    public override string Title => "Streetlights example: the dimmer matrix times 10 and times 20 keeps its pattern";

    public override void Run(Notebook nb)
    {
        // Varying degrees of intensity
        var streetlights_dimmer = Matrix.Array(new[,]
        {
            { .9, .0, 1 },
            { .2, .8, 1 },
            { .1, .0, 1 },
            { .8, .9, 1 },
            { .1, .7, 1 },
            { .9, .1, 0 },
        });

        // Can also be scalar multiples, containing same pattern
        var streetlights_multiple = streetlights_dimmer * 10;
        nb.Show("streetlights_dimmer * 10", streetlights_multiple);

        // Another example
        streetlights_multiple = streetlights_dimmer * 20;
        nb.Show("streetlights_dimmer * 20", streetlights_multiple);
    }
}

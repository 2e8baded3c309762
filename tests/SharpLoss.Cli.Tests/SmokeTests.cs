using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

public class SmokeTests : CliTestBase
{
    [Fact]
    public void Eval_MseDocstring_PrintsPublishedValue()
    {
        // keras.losses.MeanSquaredError docstring: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]] gives 0.5.
        string y = Npy("y.npy", NdArray.Of(new float[] { 0, 1, 0, 0 }, [2, 2]));
        string p = Npy("p.npy", NdArray.Of(new float[] { 1, 1, 1, 0 }, [2, 2]));
        var (code, o, e) = Run("eval", "mse", "--y-true", y, "--y-pred", p);
        Assert.True(code == 0, e);
        Assert.Equal("0.5", o.Trim());
    }
}

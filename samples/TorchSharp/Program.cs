using SharpLoss;
using SharpLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

// 3 classes of points in the plane, 100 around each centre.
manual_seed(7);
Tensor centres = tensor(new float[] { 0, 2, -2, -1, 2, -1 }).reshape(3, 2);
Tensor labels = arange(300) % 3;                       // int64 class ids, as for torch's cross_entropy
Tensor points = centres.index_select(0, labels) + randn(300, 2);

var model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3));
var optimizer = optim.Adam(model.parameters(), lr: 0.05);

// Any SharpLoss loss becomes a TorchSharp loss module; its backward is SharpLoss's analytic gradient.
using var loss = new SparseCategoricalCrossentropy(fromLogits: true).ToTorch();

float first = 0, last = 0;
for (int step = 0; step <= 200; step++)
{
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    Tensor value = loss.call(model.call(points), labels);   // torch order: prediction, then target
    value.backward();
    optimizer.step();
    last = value.item<float>();
    if (step == 0)
    {
        first = last;
    }

    if (step % 20 == 0)
    {
        Console.WriteLine($"step {step,3}: loss {last:F4}");
    }
}

double accuracy;
using (no_grad())
{
    Tensor predicted = model.call(points).argmax(1);
    accuracy = (predicted == labels).to(ScalarType.Float32).mean().item<float>();
}

Console.WriteLine($"training accuracy: {accuracy:P1}");

// The end of the README's example. CI runs this sample: it fails unless the classifier learned.
if (last > first / 4 || accuracy < 0.9)
{
    Console.Error.WriteLine($"the classifier did not learn: loss {first} -> {last}, accuracy {accuracy:P1}");
    return 1;
}

return 0;

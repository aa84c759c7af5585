using NUnit.Framework;
using NUnit.Framework.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

public class SeededInputTests : TorchTest
{
    [Test]
    public void GivenTheSameSeed_WhenInputsAreDrawn_ThenTheyAreIdentical()
    {
        using Seeded a = new(7), b = new(7);
        TensorAssert.Close(a.Randn([4, 5]), b.Randn([4, 5]), Tolerance.Exact);
        TensorAssert.Close(a.Randint(0, 10, [6]), b.Randint(0, 10, [6]), Tolerance.Exact);
    }

    [Test]
    public void GivenDifferentSeeds_WhenInputsAreDrawn_ThenTheyDiffer()
    {
        using Seeded a = new(7), b = new(8);
        Assert.That(TensorAssert.CloseFailure(a.Randn([16]), b.Randn([16])), Is.Not.Null);
    }

    [Test]
    public void GivenASeed_WhenInputsAreDrawn_ThenTheyLandOnTheDeviceUnderTestWithTheAskedDtype()
    {
        using var seeded = new Seeded(1);
        var x = seeded.Randn([2, 3], ScalarType.Float64);
        Assert.That(x.device_type, Is.EqualTo(TestDevice.Current.type));
        Assert.That(x.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(seeded.RandnCpu([2]).device_type, Is.EqualTo(DeviceType.CPU));
    }

    [Test]
    public void GivenATensorMadeInsideTheTestScope_WhenTheTestEnds_ThenTheScopeDisposesIt()
    {
        var action = new TorchScopeAttribute();
        var test = new TestMethod(new MethodWrapper(GetType(), nameof(GivenATensorMadeInsideTheTestScope_WhenTheTestEnds_ThenTheScopeDisposesIt)));
        action.BeforeTest(test);
        var made = ones(3);
        Assert.That(made.IsInvalid, Is.False);
        action.AfterTest(test);
        Assert.That(made.IsInvalid, Is.True, "the tensor outlived its test");
    }
}

public class TorchScopeGradModeTests : TorchTest
{
    [Test]
    public void GivenCodeThatLeftAutogradOff_WhenTheNextTestStarts_ThenAutogradIsOnAgain()
    {
        var action = new TorchScopeAttribute();
        var test = new TestMethod(new MethodWrapper(GetType(), nameof(GivenCodeThatLeftAutogradOff_WhenTheNextTestStarts_ThenAutogradIsOnAgain)));
        // A student's function that forgot to dispose its no_grad(): before, every later test needing a gradient failed.
        var leaked = no_grad();
        Assert.That(is_grad_enabled(), Is.False);

        action.BeforeTest(test);
        var enabled = is_grad_enabled();
        var x = ones(2, requires_grad: true);
        var gradient = (x * 3).sum();
        gradient.backward();
        var flowed = x.grad is not null;
        action.AfterTest(test);
        leaked.Dispose();

        Assert.That(enabled, Is.True);
        Assert.That(flowed, Is.True, "a gradient flows in the next test");
        Assert.That(is_grad_enabled(), Is.True, "and the test host is left with autograd on");
    }

    [Test]
    public void GivenCodeThatLeftInferenceModeOn_WhenTheNextTestStarts_ThenItIsOffAndGradientsFlow()
    {
        var action = new TorchScopeAttribute();
        var test = new TestMethod(new MethodWrapper(GetType(), nameof(GivenCodeThatLeftInferenceModeOn_WhenTheNextTestStarts_ThenItIsOffAndGradientsFlow)));
        // A red team's bit between tests (stop 56): an inference_mode() left undisposed in one test, read in the next.
        var leaked = inference_mode();
        Assert.That(is_inference_mode_enabled(), Is.True);

        action.BeforeTest(test);
        var enabled = is_inference_mode_enabled();
        var x = ones(2, requires_grad: true);
        (x * 3).sum().backward();
        var flowed = x.grad is not null;
        action.AfterTest(test);
        leaked.Dispose();

        Assert.That(enabled, Is.False);
        Assert.That(flowed, Is.True, "a gradient flows in the next test");
    }
}

public class GradingAttributeTests
{
    [Points(2.5), Visibility(Visibility.AfterDueDate)]
    static void Marked() { }

    [Test]
    public void GivenMarkedTest_WhenNUnitReadsIt_ThenPointsAndVisibilityAreProperties()
    {
        var method = typeof(GradingAttributeTests).GetMethod(nameof(Marked), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var test = new TestMethod(new MethodWrapper(typeof(GradingAttributeTests), method));
        foreach (var attribute in method.GetCustomAttributes(false).OfType<NUnit.Framework.Interfaces.IApplyToTest>())
            attribute.ApplyToTest(test);
        Assert.That(test.Properties.Get(PointsAttribute.PropertyName), Is.EqualTo(2.5));
        Assert.That(test.Properties.Get(VisibilityAttribute.PropertyName), Is.EqualTo("after_due_date"));
    }

    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    public void NegativeOrNaNPointsAreRejected(double points) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PointsAttribute(points));

    [TestCase(Visibility.Visible, "visible")]
    [TestCase(Visibility.Hidden, "hidden")]
    [TestCase(Visibility.AfterDueDate, "after_due_date")]
    public void VisibilityNamesRoundTrip(Visibility visibility, string name)
    {
        Assert.That(VisibilityAttribute.ToName(visibility), Is.EqualTo(name));
        Assert.That(VisibilityAttribute.Parse(name), Is.EqualTo(visibility));
    }
}

using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Cf;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Execution;

/// <summary>How one input's elements of a variable become the target's: CF unpacking, time re-encoding, or a copy.</summary>
internal static class InputConversion
{
    public static ElementConversion For(InputDataset input, TargetVariable v)
    {
        var origin = input.Dataset.Origins[v.Name];
        if (v.TimeUnits is not { } target) return new ElementConversion(origin.SourceDataType, v.DataType, origin.Unpacking);
        var units = SourceTimeUnits(input, v.Name);
        double scale = (double)CfTimeUnits.MicrosPer(units.Unit) / CfTimeUnits.MicrosPer(target.Unit);
        double offset = (units.ReferenceMicros - target.ReferenceMicros) / (double)CfTimeUnits.MicrosPer(target.Unit);
        return new ElementConversion(origin.SourceDataType, v.DataType, null, scale, offset);
    }

    /// <summary>The input's own time units for a variable: its units attribute, or (CF bounds) its parent's.</summary>
    private static CfTimeUnits SourceTimeUnits(InputDataset input, string name)
    {
        var schema = input.Dataset.Schema;
        var v = schema.GetVariable(name);
        var holder = v.Attributes.GetText("units") is not null ? v
            : schema.Variables.FirstOrDefault(p => p.Attributes.GetText("bounds") == name)
              ?? throw new DataException($"{input.Source}: variable '{name}' has no time units");
        return CfTimeUnits.Parse(holder.Attributes.GetText("units")!, holder.Attributes.GetText("calendar"), input.Source);
    }

    /// <summary>Bytes per source element of the variable in this input.</summary>
    public static int SourceElementSize(InputDataset input, string variable) => input.Dataset.Origins[variable].SourceDataType.ElementSize();
}

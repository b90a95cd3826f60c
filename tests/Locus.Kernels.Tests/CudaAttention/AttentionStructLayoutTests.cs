using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>
/// The C# kernel-argument structs match the C structs byte for byte: NVRTC computes sizeof and member offsets of the real source's
/// structs, compared with <see cref="Marshal.OffsetOf(Type, string)"/> (the C compiler is the independent oracle).
/// </summary>
public sealed class AttentionStructLayoutTests
{
    private static readonly (Type Type, string CName, string File, string[] Map)[] s_structs =
    [
        (typeof(FaParams), "FaParams", "flash_attention.cu",
        [
            "Q:q", "K:k", "V:v", "O:o", "Lse:lse", "Bias:bias", "GragScales:grag_scales", "GragM:grag_m", "RowMask:row_mask",
            "ColMask:col_mask", "ColTileAny:col_tile_any", "ErrFlag:err_flag", "BiasStrideB:bias_sb", "BiasStrideH:bias_sh", "BiasStrideQ:bias_sq", "B:B", "H:H",
            "Nq:Nq", "Nk:Nk", "D:D", "Dv:Dv", "Scale:scale", "RegionBias:region_bias", "GragCount:grag_count", "IsBf16:is_bf16",
            "BiasBf16:bias_bf16", "GragK0:grag_k0", "GragK1:grag_k1", "GragR0:grag_r0", "GragR1:grag_r1",
        ]),
        (typeof(FaCaptureParams), "FaCaptureParams", "flash_attention.cu",
        [
            "Q:q", "K:k", "Lse:lse", "Weight:weight", "Acc:acc", "Out:out", "B:B", "H:H", "Nq:Nq", "Nk:Nk", "Row0:row0", "Rows:rows",
            "Col0:col0", "Cols:cols", "Scale:scale", "D:D", "IsBf16:is_bf16",
        ]),
        (typeof(FaParams), "FaParams", "attention_generic.cu", ["Q:q", "ColTileAny:col_tile_any", "ErrFlag:err_flag", "B:B", "BiasBf16:bias_bf16", "GragK0:grag_k0", "GragR1:grag_r1"]),
        (typeof(FaCaptureParams), "FaCaptureParams", "attention_generic.cu", ["Out:out", "B:B", "Scale:scale", "IsBf16:is_bf16"]),
        (typeof(GragHelperParams), "GaGragParams", "attention_generic.cu",
            ["Q:q", "K:k", "Mu:mu", "M:m", "BH:BH", "Nq:Nq", "Nk:Nk", "D:D", "G:G", "IsBf16:is_bf16", "Scale:scale", "K0:k0", "K1:k1"]),
        (typeof(PoolParams), "GaPoolParams", "attention_generic.cu",
            ["Src:src", "Weight:weight", "Acc:acc", "Out:out", "B:B", "GridHeight:gh", "GridWidth:gw"]),
    ];

    [Fact]
    public void Sizes_MatchTheDocumentedCLayouts()
    {
        Assert.Equal(296, Marshal.SizeOf<FaParams>());
        Assert.Equal(96, Marshal.SizeOf<FaCaptureParams>());
        Assert.Equal(128, Marshal.SizeOf<GragHelperParams>());
        Assert.Equal(48, Marshal.SizeOf<PoolParams>());
    }

    [Theory]
    [InlineData("flash_attention.cu")]
    [InlineData("attention_generic.cu")]
    public void Offsets_ComputedByNvrtc_MatchMarshalOffsets(string file)
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        // NVRTC has no offsetof: a __device__ table initialised with null-based member addresses is folded into the PTX
        // initialiser (".b8 name[n] = {bytes}"), which the test decodes (little-endian u64: sizeof, then each offset).
        var sb = new StringBuilder(KernelSources.Get(file)).Append('\n');
        var expected = new Dictionary<string, long[]>();
        int index = 0;
        foreach (var (type, cName, _, map) in s_structs.Where(s => s.File == file))
        {
            string table = $"locus_layout_{index++}";
            var values = new List<long> { Marshal.SizeOf(type) };
            sb.Append($"__device__ unsigned long long {table}[] = {{ sizeof({cName})");
            foreach (string pair in map)
            {
                string[] names = pair.Split(':');
                values.Add(Marshal.OffsetOf(type, names[0]).ToInt64());
                sb.Append($", (unsigned long long)&((({cName}*)0)->{names[1]})");
            }
            sb.Append(" };\n");
            expected[table] = [.. values];
        }
        var compiled = NvrtcCompiler.Compile(sb.ToString(), file, "compute_80", ["-DFA_WITH_CAPTURE=1"]);
        string ptx = Encoding.ASCII.GetString(compiled.Image);
        foreach (var (table, values) in expected)
        {
            var m = Regex.Match(ptx, $@"{table}\[\d+\] = \{{([\d, ]+)\}}");
            Assert.True(m.Success, $"no initialiser for {table} in the PTX");
            byte[] bytes = m.Groups[1].Value.Split(',').Select(x => byte.Parse(x.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            long[] actual = Enumerable.Range(0, bytes.Length / 8).Select(i => BitConverter.ToInt64(bytes, i * 8)).ToArray();
            Assert.Equal(values, actual);
        }
    }
}

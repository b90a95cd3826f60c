using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.MmDit;

/// <summary>
/// Collects attention-capture nodes while a transformer is built: pass one to <c>FluxTransformer.Build</c> or
/// <c>QwenImageTransformer.Build</c> (<c>capture:</c>), then list <see cref="Outputs"/> as extra graph outputs and read
/// <see cref="Maps"/> after a run. The graph gains the input <see cref="WeightInput"/> [1] f32 (the per-run weight w,
/// usually 1; 0 turns a step's contribution off). One collector serves one build.
/// </summary>
/// <remarks>
/// Per captured call, from q, k [B, H, N, Dh] after QK-norm and RoPE and the call's own joint LSE: joint target × text,
/// text-restricted target × text (its LSE over the text keys comes from a small extra attention of the target rows
/// over the text keys, with the model's key bias), joint target × target (optionally 2×2-pooled). Padded text keys of
/// Qwen (−∞ in <c>attention_bias</c>) are zeroed exactly in the text maps. Maps are exact with reference-group GRAG (text
/// and target keys are unchanged); a GRAG text group or a region bias with a text map is rejected at build time.
/// </remarks>
public sealed class AttentionCapture
{
    /// <summary>Name of the weight input [1] f32.</summary>
    public const string WeightInput = "attention_capture.weight";

    private readonly List<AttentionCaptureBlock> _blocks = [];
    private GraphBuilder? _graph;
    private SequenceLayout? _seq;
    private Node? _weight;
    private Node? _keyMask;
    private Node? _jointText;
    private Node? _textOnly;
    private Node? _targetTarget;
    private int _count;
    private AttentionCaptureMaps? _maps;

    /// <summary>Creates a collector for <paramref name="options"/>.</summary>
    public AttentionCapture(AttentionCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The options.</summary>
    public AttentionCaptureOptions Options { get; }

    /// <summary>The capture nodes of the build.</summary>
    /// <exception cref="InvalidOperationException">The collector has not been passed to a transformer build yet.</exception>
    public AttentionCaptureMaps Maps => _maps ?? throw new InvalidOperationException("attention capture: no transformer was built with this collector yet");

    /// <summary>Every capture node, for <c>GraphBuilder.Build(sample, ...)</c>.</summary>
    public IReadOnlyList<Node> Outputs => Maps.Outputs;

    /// <summary>The <see cref="WeightInput"/> value [1] f32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative or not finite.</exception>
    public static HostTensor Weight(float weight = 1f)
    {
        if (!float.IsFinite(weight) || weight < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "attention capture weight must be finite and ≥ 0");
        }
        return HostTensor.FromFloats(new Shape(1), [weight]);
    }

    /// <summary>Declares the weight input; <paramref name="keyMask"/> [B, 1, N_txt] f32 (1 = valid text key) or null.</summary>
    /// <exception cref="ArgumentException">Bad options, a reused collector, or an unsupported combination.</exception>
    internal void Begin(GraphBuilder g, SequenceLayout seq, int calls, Node? keyMask, GragOptions? grag, RegionBiasOptions? regionBias)
    {
        if (_graph is not null)
        {
            throw new ArgumentException("attention capture collector was already used for a build; create one per graph", "capture");
        }
        Options.Validate(calls, seq);
        if (grag is { TextGroup: true } && (Options.JointText || Options.TextOnly))
        {
            throw new ArgumentException("attention capture of text maps with a GRAG text group is not supported: the maps are recomputed from unmodified text keys", "capture");
        }
        if (regionBias is not null && (Options.JointText || Options.TextOnly))
        {
            throw new ArgumentException("attention capture of text maps with a region bias is not supported: the maps are recomputed without the bias (capture in a localisation pass without modulation)", "capture");
        }
        _graph = g;
        _seq = seq;
        _keyMask = keyMask;
        _weight = g.Input(WeightInput, DType.F32, new Shape(1));
    }

    /// <summary>Captures one joint-attention call: q, k [B, H, N, Dh] as they enter <paramref name="sdpa"/>; <paramref name="textBias"/> the key bias restricted to the text keys [B|1, 1, 1, N_txt] or null.</summary>
    internal void Capture(string prefix, int layer, Node q, Node k, Node sdpa, Node? textBias, float scale)
    {
        var g = _graph!;
        var seq = _seq!;
        var w = _weight!;
        if (!Options.Captures(layer))
        {
            return;
        }
        bool per = Options.PerBlock;
        int t0 = seq.TextTokens, t1 = seq.TextTokens + seq.TargetTokens;
        var lse = g.Aux(sdpa, prefix + ".lse");                                                           // [B, H, N]
        Node? jt = null, to = null, tt = null;
        if (Options.JointText)
        {
            jt = g.AttentionCapture(q, k, lse, w, per ? null : _jointText, new(scale, t0, t1, 0, t0), prefix + ".joint_text");       // [B, Ntgt, Ntxt]
            _jointText = per ? Sum(_jointText, jt, prefix + ".joint_text.sum") : jt;
        }
        if (Options.TextOnly)
        {
            var qt = g.Slice(q, 2, t0, seq.TargetTokens, prefix + ".q_target");                            // [B, H, Ntgt, Dh]
            var kt = g.Slice(k, 2, 0, t0, prefix + ".k_text");                                             // [B, H, Ntxt, Dh]
            var a = g.Attention(qt, kt, kt, scale, textBias, name: prefix + ".text_sdpa");                 // lse over text keys only
            var lseText = g.Aux(a, prefix + ".text_lse");                                                  // [B, H, Ntgt]
            to = g.AttentionCapture(qt, kt, lseText, w, per ? null : _textOnly, new(scale, 0, seq.TargetTokens, 0, t0), prefix + ".text_only"); // [B, Ntgt, Ntxt]
            _textOnly = per ? Sum(_textOnly, to, prefix + ".text_only.sum") : to;
        }
        if (Options.TargetTarget)
        {
            var p = new AttentionCaptureParams(scale, t0, t1, t0, t1, Options.PoolTargetTarget, Options.GridHeight, Options.GridWidth);
            tt = g.AttentionCapture(q, k, lse, w, per ? null : _targetTarget, p, prefix + ".target_target");  // [B, Ntgt, Ntgt] or pooled
            _targetTarget = per ? Sum(_targetTarget, tt, prefix + ".target_target.sum") : tt;
        }
        _count++;
        if (per)
        {
            _blocks.Add(new AttentionCaptureBlock(layer, Masked(jt, prefix + ".joint_text.masked"), Masked(to, prefix + ".text_only.masked"), tt, lse));
        }
    }

    /// <summary>Averages the accumulated maps over the captured calls and publishes <see cref="Maps"/>.</summary>
    internal void End()
    {
        var g = _graph!;
        float inv = 1f / _count;
        Node? Mean(Node? total, string name) => total is null ? null : g.Scale(total, inv, 0f, name);
        var jt = Masked(Mean(_jointText, "attention_capture.joint_text.mean"), "attention_capture.joint_text");
        var to = Masked(Mean(_textOnly, "attention_capture.text_only.mean"), "attention_capture.text_only");
        var tt = Mean(_targetTarget, "attention_capture.target_target");
        _maps = new AttentionCaptureMaps(jt, to, tt, _blocks.ToArray(), _count);
    }

    private Node Sum(Node? total, Node x, string name) => total is null ? x : _graph!.Add(total, x, name);

    /// <summary>Zeroes padded text columns: map [B, Ntgt, Ntxt] ⊙ key mask [B, 1, Ntxt].</summary>
    private Node? Masked(Node? map, string name) => map is null || _keyMask is null ? map : _graph!.Mul(map, _keyMask, name);
}

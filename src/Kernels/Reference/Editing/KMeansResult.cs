namespace Locus.Kernels.Reference.Editing;

/// <summary>
/// Result of a k-means run: labels [N], centroids [K, D] (row-major) and the number of assignment steps executed
/// (counting the final assignment; a run that stops because the labels repeat counts that repeat).
/// </summary>
public sealed record KMeansResult(int[] Labels, float[] Centroids, int Assignments);

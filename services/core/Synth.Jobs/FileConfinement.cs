namespace Synth.Jobs;

/// <summary>
/// Keeps the files a spec from the API names under the job files root: no absolute path, no <c>..</c> (also
/// URL-encoded), and no symbolic link on the way whose target leaves the root. Nothing is opened to check.
/// </summary>
internal static class FileConfinement
{
    /// <param name="writtenPaths">Each path as written, by field path.</param>
    /// <param name="resolvedPaths">Each path resolved against <paramref name="root"/>, by field path.</param>
    public static List<JobSpecError> Check(BoundSpec bound, string root, IReadOnlyDictionary<string, string> writtenPaths,
        IReadOnlyDictionary<string, string> resolvedPaths, string sourceName)
    {
        var realRoot = RealPath(root);
        var errors = new List<JobSpecError>();
        foreach (var (field, resolved) in resolvedPaths)
        {
            var written = writtenPaths.GetValueOrDefault(field, resolved);
            var problem = Problem(written, realRoot, resolved);
            if (problem is not null)
            {
                var at = bound.Positions.Find(field);
                errors.Add(new JobSpecError(sourceName, field, at?.Line, at?.Column,
                    $"{problem}: a spec submitted over the API may only name files under the job files root, by a relative path"));
            }
        }

        return errors;
    }

    private static string? Problem(string written, string realRoot, string resolved)
    {
        var decoded = Uri.UnescapeDataString(written);
        if (Path.IsPathRooted(written) || Path.IsPathRooted(decoded))
        {
            return "an absolute path";
        }

        if (HasParentStep(written) || HasParentStep(decoded))
        {
            return "a path with '..'";
        }

        try
        {
            return IsUnder(RealPath(resolved), realRoot) ? null : "a path leading outside the job files root (through a symbolic link)";
        }
        catch (IOException)
        {
            return "a path whose symbolic links cannot be followed";
        }
    }

    private static bool HasParentStep(string path) =>
        path.Split('/', '\\').Any(step => step == "..");

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it followed, as far as it exists.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        foreach (var step in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, step);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                // A dangling link: its target, made absolute, is where an opener would end up.
                current = RealPath(target?.FullName ?? Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(current)!));
            }
        }

        return current;
    }
}

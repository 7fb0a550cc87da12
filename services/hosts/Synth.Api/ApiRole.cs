namespace Synth.Api;

/// <summary>
/// What a key may do (docs/security.md). Each role may do everything the roles below it may: a viewer reads jobs and
/// reports; a reviewer also takes review tasks, labels and browses samples; an operator also submits, pauses, resumes,
/// cancels and retargets jobs and downloads exports; an admin may do everything, including what no other role is given.
/// </summary>
public enum ApiRole
{
    Viewer = 1,
    Reviewer = 2,
    Operator = 3,
    Admin = 4,
}

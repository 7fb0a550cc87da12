namespace Synth.Store.Sqlite;

/// <summary>
/// The tables: indexed columns for the queries beside the whole document as JSON (<c>SampleJson.Options</c>),
/// so a document gains fields without a migration. See docs/schemas.md, "Store".
/// </summary>
internal static class SqliteSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS jobs (
            id          TEXT NOT NULL PRIMARY KEY,
            state       TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            document    TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS samples (
            id             TEXT NOT NULL PRIMARY KEY,
            job_id         TEXT NOT NULL,
            state          TEXT NOT NULL,
            stage_ordinal  INTEGER NOT NULL,
            label          TEXT,
            updated_at     TEXT NOT NULL,
            document       TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_samples_job_state_id ON samples (job_id, state, id);
        CREATE INDEX IF NOT EXISTS ix_samples_job_label_id ON samples (job_id, label, id);
        CREATE INDEX IF NOT EXISTS ix_samples_job_id ON samples (job_id, id);

        CREATE TABLE IF NOT EXISTS requests (
            id             TEXT NOT NULL PRIMARY KEY,
            job_id         TEXT NOT NULL,
            request_index  INTEGER NOT NULL,
            status         TEXT NOT NULL,
            at             TEXT NOT NULL,
            document       TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_requests_job_index ON requests (job_id, request_index);

        CREATE TABLE IF NOT EXISTS failures (
            id        TEXT NOT NULL PRIMARY KEY,
            job_id    TEXT,
            stage     TEXT NOT NULL,
            at        TEXT NOT NULL,
            document  TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_failures_job_id ON failures (job_id, id);
        """;

    /// <summary>
    /// The monotonic upsert: an existing row is replaced only when the new copy is at the same or a later
    /// pipeline stage, so a stale redelivery changes nothing (and returns no row). The version stored is the stored
    /// one + 1 (1 for a new sample), returned to the writer.
    /// </summary>
    public const string UpsertSample = $"""
        INSERT INTO samples (id, job_id, state, stage_ordinal, label, updated_at, document)
        VALUES ($id, $job_id, $state, $stage_ordinal, $label, $updated_at, json_set($document, '$.version', 1))
        ON CONFLICT (id) DO UPDATE SET
            job_id = excluded.job_id,
            state = excluded.state,
            stage_ordinal = excluded.stage_ordinal,
            label = excluded.label,
            updated_at = excluded.updated_at,
            document = json_set(excluded.document, '$.version', {StoredVersion} + 1)
        WHERE excluded.stage_ordinal >= samples.stage_ordinal
        RETURNING json_extract(document, '$.version');
        """;

    /// <summary>
    /// The compare-and-set replace: only while the stored version is still the one the writer read. The document
    /// carries the next version already.
    /// </summary>
    public const string ReplaceSampleIfVersion = $"""
        UPDATE samples SET
            state = $state,
            stage_ordinal = $stage_ordinal,
            label = $label,
            updated_at = $updated_at,
            document = $document
        WHERE id = $id AND {StoredVersion} = $expected_version;
        """;

    /// <summary>The stored sample's version; a document stored before versions existed counts as 0.</summary>
    public const string StoredVersion = "COALESCE(json_extract(samples.document, '$.version'), 0)";

    public const string UpsertRequest = """
        INSERT INTO requests (id, job_id, request_index, status, at, document)
        VALUES ($id, $job_id, $request_index, $status, $at, $document)
        ON CONFLICT (id) DO UPDATE SET
            job_id = excluded.job_id,
            request_index = excluded.request_index,
            status = excluded.status,
            at = excluded.at,
            document = excluded.document;
        """;

    public const string UpsertJob = """
        INSERT INTO jobs (id, state, updated_at, document)
        VALUES ($id, $state, $updated_at, $document)
        ON CONFLICT (id) DO UPDATE SET
            state = excluded.state,
            updated_at = excluded.updated_at,
            document = excluded.document;
        """;

    public const string UpsertFailure = """
        INSERT INTO failures (id, job_id, stage, at, document)
        VALUES ($id, $job_id, $stage, $at, $document)
        ON CONFLICT (id) DO UPDATE SET
            job_id = excluded.job_id,
            stage = excluded.stage,
            at = excluded.at,
            document = excluded.document;
        """;

    public const string Counts = """
        SELECT state, COUNT(*), SUM(stage_ordinal = $evaluated_ordinal) FROM samples WHERE job_id = $job_id GROUP BY state;
        SELECT status, COUNT(*) FROM requests WHERE job_id = $job_id GROUP BY status;
        SELECT COUNT(*) FROM failures WHERE job_id = $job_id;
        """;
}

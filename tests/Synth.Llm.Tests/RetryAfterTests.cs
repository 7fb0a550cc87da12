namespace Synth.Llm.Tests;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("7", 7.0)]
    [InlineData(" 0 ", 0.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("Wed, 25 Nov 2026 12:00:30 GMT", 30.0)]
    [InlineData("Wed, 25 Nov 2026 11:59:00 GMT", 0.0)]
    public void Parses_seconds_and_http_dates(string value, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(value, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-3")]
    [InlineData("soon")]
    public void Rejects_what_is_neither(string? value) => Assert.Null(RetryAfter.Parse(value, Now));
}

namespace Synth.Store.Tests;

public sealed class RequestClaimsTests
{
    [Theory]
    [InlineData(10, 0, 4, 0, 4)]
    [InlineData(10, 8, 4, 8, 10)]
    [InlineData(3, 0, 8, 0, 3)]
    public void The_next_block_starts_at_the_cursor_and_stops_at_the_plan(long planned, long claimedTo, int size, long start, long end) =>
        Assert.Equal((start, end), RequestClaims.NextBlock(planned, claimedTo, size));

    [Theory]
    [InlineData(10, 10)]
    [InlineData(0, 0)]
    public void Nothing_is_left_once_the_cursor_reaches_the_plan(long planned, long claimedTo) =>
        Assert.Null(RequestClaims.NextBlock(planned, claimedTo, 4));

    [Fact]
    public void A_lease_is_expired_from_its_end_on()
    {
        var end = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        Assert.False(RequestClaims.IsExpired(end, end.AddMilliseconds(-1)));
        Assert.True(RequestClaims.IsExpired(end, end));
    }

    [Fact]
    public void A_claim_contains_its_indexes_only()
    {
        var claim = new RequestClaim("job", 4, 7, "t", DateTimeOffset.UnixEpoch, TakenOver: false);
        Assert.Equal([4L, 5L, 6L], claim.Indexes());
        Assert.True(claim.Contains(6));
        Assert.False(claim.Contains(7));
        Assert.False(claim.Contains(3));
    }
}

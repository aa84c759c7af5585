using System.Net;

namespace Course.GitHub.Tests;

/// <summary>
/// <see cref="ResponseSizeLimit"/>: a response past the cap fails, whether it says its length up front or streams it
/// (codeload sends a tarball made on the fly in chunks), and no more than the cap and one buffer is read.
/// </summary>
public class ResponseSizeLimitTests
{
    sealed class Serving(Stream body, long? length) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = length;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    /// <summary>Endless bytes, counting what was read.</summary>
    sealed class Endless : Stream
    {
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) { BytesRead += count; return count; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Test]
    public async Task Given_a_streamed_answer_with_no_end_When_read_whole_Then_it_fails_past_the_cap_having_read_little_more()
    {
        var body = new Endless();
        using var http = new HttpClient(new ResponseSizeLimit(1 << 20) { InnerHandler = new Serving(body, length: null) });

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetByteArrayAsync(new Uri("http://codeload.invalid/o/r/legacy.tar.gz/main")));

        Assert.That(failure!.InnerException, Is.TypeOf<ResponseTooLargeException>());
        Assert.That(body.BytesRead, Is.LessThan((1 << 20) + (1 << 17)));
    }

    [Test]
    public async Task Given_an_answer_that_says_it_is_too_long_When_sent_Then_it_fails_before_reading_any_of_it()
    {
        var body = new Endless();
        using var http = new HttpClient(new ResponseSizeLimit(1 << 20) { InnerHandler = new Serving(body, length: 5L << 30) });

        await Assert.ThrowsAsync<ResponseTooLargeException>(() => http.GetAsync(new Uri("http://codeload.invalid/o/r/legacy.tar.gz/main")));
        Assert.That(body.BytesRead, Is.Zero);
    }

    [Test]
    public async Task Given_an_answer_within_the_cap_When_read_Then_it_arrives_whole_with_its_headers()
    {
        var bytes = new byte[300_000];
        new Random(3).NextBytes(bytes);
        using var http = new HttpClient(new ResponseSizeLimit(1 << 20) { InnerHandler = new Serving(new MemoryStream(bytes), length: null) });

        using var response = await http.GetAsync(new Uri("http://codeload.invalid/o/r/legacy.tar.gz/main"));

        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes));
    }
}

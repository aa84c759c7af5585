using System.Net;

namespace Course.GitHub;

/// <summary>
/// Caps the bytes of every response the GitHub client reads. Octokit reads a response whole into memory before it returns
/// it, a repository's tarball included, so a student's repository of a few GB (files under GitHub's 100 MB limit, pushed
/// in parts) had the grader's own process hold it, twice over while it was copied, for each submission in flight. A
/// tarball past the cap could not have been unpacked anyway (at most 64 MiB are written from one), so the cap changes
/// no grade: the fetch fails, as the student's problem, after at most the cap was read.
/// </summary>
internal sealed class ResponseSizeLimit(long maxBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Content is not { } content) return response;
        if (content.Headers.ContentLength > maxBytes)
        {
            response.Dispose();
            throw new ResponseTooLargeException(request.RequestUri, maxBytes);
        }
        var capped = new CappedContent(content, maxBytes, request.RequestUri);
        foreach (var header in content.Headers) capped.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = capped;
        return response;
    }

    sealed class CappedContent(HttpContent inner, long maxBytes, Uri? uri) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var source = await inner.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes) throw new ResponseTooLargeException(uri, maxBytes);
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>A response from GitHub larger than <see cref="ResponseSizeLimit"/> lets the grader read.</summary>
public sealed class ResponseTooLargeException(Uri? uri, long maxBytes)
    : IOException($"GitHub's answer to {uri?.GetLeftPart(UriPartial.Path)} is larger than {Size(maxBytes)}, the most the grader reads")
{
    public long MaxBytes { get; } = maxBytes;

    public static string Size(long bytes) => bytes >= 1L << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}

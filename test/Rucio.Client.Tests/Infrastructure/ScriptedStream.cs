using System.Net;
using System.Text;
using System.Threading.Channels;

namespace Rucio.Client.Tests.Infrastructure;

/// <summary>
/// A response body fed by the test while it is being read: chunks, failures and the end are pushed one by one,
/// so tests can observe what the client does before the body is complete.
/// </summary>
public sealed class ScriptedStream : Stream
{
    private readonly Channel<object> _chunks = Channel.CreateUnbounded<object>();
    private byte[] _pending = [];
    private int _offset;

    public int ReadCalls { get; private set; }

    public void Push(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

    public void Fail(Exception exception) => _chunks.Writer.TryWrite(exception);

    public void End() => _chunks.Writer.TryComplete();

    public HttpResponseMessage ToResponse(string contentType = "application/x-json-stream")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(this) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return response;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ReadCalls++;
        if (_offset >= _pending.Length)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            var next = await _chunks.Reader.ReadAsync(cancellationToken);
            if (next is Exception exception)
            {
                throw exception;
            }

            _pending = (byte[])next;
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

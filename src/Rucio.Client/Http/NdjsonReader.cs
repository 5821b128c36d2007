using System.Buffers;

namespace Rucio.Client;

/// <summary>Parses one NDJSON line (without its newline).</summary>
internal delegate T LineParser<out T>(ReadOnlySpan<byte> line);

/// <summary>
/// Reads an NDJSON body incrementally: only the current line is held in memory. Every line must end with '\n';
/// a body ending mid-line, or a connection cut mid-body, is a <see cref="RucioException"/> and never a shorter
/// list. Each read waits at most <see cref="RucioClientOptions.Timeout"/> for data; time spent by the consumer
/// between items is not counted.
/// </summary>
internal sealed class NdjsonReader<T>(
    HttpResponseMessage response, LineParser<T> parser, TimeoutGuard guard, string resource, CancellationToken cancellationToken)
    : IAsyncDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    /// <summary>A bound on a single line, so a server without newlines cannot exhaust memory.</summary>
    private const int MaxLineBytes = 64 * 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _start;
    private int _end;
    private bool _endOfBody;
    private long _lineNumber;
    private Stream? _stream;

    public T Current { get; private set; } = default!;

    public async ValueTask<bool> MoveNextAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var lineStart = _start;
                _start = newline + 1;
                _lineNumber++;
                if (!IsBlank(lineStart, newline))
                {
                    Current = ParseLine(lineStart, newline);
                    return true;
                }

                continue;
            }

            if (_endOfBody)
            {
                if (!IsBlank(_start, _end))
                {
                    throw new RucioException(
                        $"The listing of {resource} ended in the middle of a line: the response was truncated.",
                        (int)response.StatusCode,
                        RucioException.InvalidResponseCode);
                }

                return false;
            }

            await FillAsync();
        }
    }

    private T ParseLine(int start, int end)
    {
        var line = _buffer.AsSpan(start, end - start).TrimEnd((byte)'\r');
        try
        {
            return parser(line);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new RucioException(
                $"Line {_lineNumber} of the listing of {resource} is not the expected JSON: {ex.Message}",
                (int)response.StatusCode,
                RucioException.InvalidResponseCode,
                ex);
        }
    }

    private async ValueTask FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new RucioException(
                    $"A line of the listing of {resource} exceeds {MaxLineBytes / (1024 * 1024)} MiB.",
                    (int)response.StatusCode,
                    RucioException.InvalidResponseCode);
            }

            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        guard.Restart();
        try
        {
            _stream ??= await response.Content.ReadAsStreamAsync(guard.Token);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), guard.Token);
            if (read == 0)
            {
                _endOfBody = true;
            }

            _end += read;
        }
        catch (Exception ex) when (ex is not RucioException && !cancellationToken.IsCancellationRequested)
        {
            if (guard.TimedOut)
            {
                throw guard.CreateTimeoutException($"Reading the listing of {resource}", ex);
            }

            if (ex is IOException or HttpRequestException)
            {
                throw new RucioException(
                    $"The connection broke while reading the listing of {resource} (after {_lineNumber} lines); the listing is incomplete.",
                    0,
                    RucioException.ConnectionErrorCode,
                    ex);
            }

            throw;
        }
        finally
        {
            guard.Pause();
        }
    }

    private bool IsBlank(int start, int end)
    {
        foreach (var b in _buffer.AsSpan(start, end - start))
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

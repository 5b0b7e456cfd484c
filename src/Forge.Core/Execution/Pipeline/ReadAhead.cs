using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// Keeps the disk busy ahead of the decoders: when the pass starts input <c>i</c>, the kernel is asked
/// (<c>posix_fadvise(POSIX_FADV_WILLNEED)</c>) to read the next inputs of the pass into the page cache, up to
/// <see cref="WindowInputs"/> inputs and <see cref="WindowBytes"/> bytes ahead, so that with a cold cache a decode
/// worker finds its input's chunks in memory instead of waiting on each read in turn. The advice runs on one
/// background task (it can block while the kernel queues the reads), never on a decode worker. The pages belong to
/// the page cache, not to the process: they are not resident memory of Forge and the kernel may drop them, so
/// the window bounds how much the run asks for, not what the memory account holds. No effect off Linux.
/// </summary>
internal sealed partial class ReadAhead
{
    /// <summary>At most this many inputs are advised ahead of the one being started.</summary>
    public const int WindowInputs = 32;

    /// <summary>At most this many bytes of inputs are advised ahead of the one being started (at least one input).</summary>
    public const long WindowBytes = 128L << 20;

    private const int PosixFadvWillNeed = 3;

    private readonly string?[] _paths;
    private readonly long[] _sizes;
    private readonly object _gate = new();
    private int _started = -1; // highest input index started by a decoder
    private int _advised = -1; // highest input index advised
    private bool _pumping;
    private Task _pump = Task.CompletedTask;

    /// <param name="paths">Local files in the order the pass uses them (null: nothing to read ahead for that job).</param>
    public ReadAhead(IReadOnlyList<string?> paths)
    {
        _paths = [.. paths];
        _sizes = new long[_paths.Length];
        for (int i = 0; i < _paths.Length; i++)
        {
            try
            {
                _sizes[i] = _paths[i] is { } p ? new FileInfo(p).Length : 0;
            }
            catch (IOException)
            {
                _sizes[i] = 0;
            }
        }
    }

    /// <summary>Files advised so far (for tests).</summary>
    public int AdvisedCount
    {
        get { lock (_gate) return _advised + 1; }
    }

    /// <summary>Input <paramref name="index"/> is being started: advise the window after it (in the background).</summary>
    public void Started(int index)
    {
        if (!OperatingSystem.IsLinux()) return;
        lock (_gate)
        {
            if (index > _started) _started = index;
            if (_pumping || Next() < 0) return;
            _pumping = true;
            _pump = Task.Run(Pump);
        }
    }

    /// <summary>Waits for the advice in flight (so a test sees its effect, and the pass leaves nothing running).</summary>
    public Task DrainAsync()
    {
        lock (_gate) return _pump;
    }

    /// <summary>The next input to advise, or -1 when the window is full.</summary>
    private int Next()
    {
        int next = _advised + 1;
        if (next >= _paths.Length || next - _started > WindowInputs) return -1;
        long ahead = 0;
        for (int i = Math.Max(0, _started + 1); i < next; i++) ahead += _sizes[i];
        return next == _started + 1 || ahead + _sizes[next] <= WindowBytes ? next : -1;
    }

    private void Pump()
    {
        while (true)
        {
            int next;
            lock (_gate)
            {
                next = Next();
                if (next < 0)
                {
                    _pumping = false;
                    return;
                }

                _advised = next;
            }

            if (_paths[next] is { } path && next > _started) Advise(path);
        }
    }

    private static void Advise(string path)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                _ = PosixFadvise((int)handle.DangerousGetHandle(), 0, 0, PosixFadvWillNeed);
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
        catch (IOException)
        {
            // Advice only: the decoder reports a file it cannot read.
        }
        catch (UnauthorizedAccessException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}

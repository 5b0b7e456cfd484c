namespace Forge.Sources;

/// <summary>Least-recently-used blocks of one remote file, bounded in bytes (header readers revisit the same few blocks).</summary>
internal sealed class BlockCache(long maxBytes)
{
    private readonly Dictionary<long, LinkedListNode<(long Index, byte[] Bytes)>> _map = [];
    private readonly LinkedList<(long Index, byte[] Bytes)> _order = new();
    private long _bytes;

    public bool TryGet(long index, out byte[] block)
    {
        if (_map.TryGetValue(index, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            block = node.Value.Bytes;
            return true;
        }

        block = [];
        return false;
    }

    public bool Contains(long index) => _map.ContainsKey(index);

    public void Add(long index, byte[] block)
    {
        if (_map.ContainsKey(index)) return;
        _map[index] = _order.AddFirst((index, block));
        _bytes += block.Length;
        while (_bytes > maxBytes && _order.Last is { } oldest && oldest != _order.First)
        {
            _order.RemoveLast();
            _map.Remove(oldest.Value.Index);
            _bytes -= oldest.Value.Bytes.Length;
        }
    }
}

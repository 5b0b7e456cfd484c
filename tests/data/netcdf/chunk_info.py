"""Print the file offset and stored size of a dataset's first chunk (h5py's chunk query), for corruption tests.

Usage: /usr/bin/python3 chunk_info.py FILE DATASET   ->   "<byte_offset> <size>"
"""
import sys

import h5py

with h5py.File(sys.argv[1], "r") as f:
    info = f[sys.argv[2]].id.get_chunk_info(0)
    print(info.byte_offset, info.size)

#!/usr/bin/python3
"""Prints the byte offset and stored size of one chunk of a NetCDF-4 (HDF5) variable.

Usage: chunk_location.py FILE VARIABLE [CHUNK_INDEX]
Output: "OFFSET SIZE" (the chunk's deflated bytes in the file), so a test can corrupt exactly that chunk.
"""
import sys

import h5py


def main():
    path, name = sys.argv[1], sys.argv[2]
    index = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with h5py.File(path, "r") as f:
        info = f[name].id.get_chunk_info(index)
        print(info.byte_offset, info.size)


if __name__ == "__main__":
    main()

"""Write a plain HDF5 file with h5py (no netCDF dimension scales), to check how Forge treats non-netCDF HDF5.

Usage: /usr/bin/python3 make_plain_hdf5.py OUT.h5
"""
import sys

import h5py
import numpy as np


def main(out):
    with h5py.File(out, "w") as f:
        f.create_dataset("values", data=np.arange(24, dtype="<f8").reshape(4, 6), chunks=(2, 3), compression="gzip", shuffle=True)
        f.create_dataset("counts", data=np.arange(6, dtype=">i4"))
        f.attrs["origin"] = "h5py"


if __name__ == "__main__":
    main(sys.argv[1])

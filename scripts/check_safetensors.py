#!/usr/bin/env python3
"""Inspect a SelfPlay network checkpoint (safetensors) with numpy only.

Parses the format by hand (8-byte little-endian header length, JSON header, raw
little-endian data), prints the metadata and, for each tensor, its shape, sum, mean
absolute value and a CRC32 of its bytes. Optionally compares the tensors with a .npz file
(same names) or writes them to one.

Usage:
  scripts/check_safetensors.py FILE.safetensors [--metadata] [--compare OTHER.npz [--tolerance T]]
                                                [--export OUT.npz] [--pytorch-layout]

--pytorch-layout permutes convolution weights from SelfPlay's [out, kh, kw, in] to PyTorch's
[out, in, kh, kw] for --export and --compare. (The dense layers of the heads read the
convolution outputs channels-last: see the 'layout' metadata entry.)
"""
import argparse
import json
import struct
import sys
import zlib

import numpy as np

DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I32": "<i4", "I64": "<i8", "BF16": None}


def read_safetensors(path):
    """Returns (tensors: dict name -> np.ndarray, metadata: dict), or raises ValueError with a reason."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{len(data)} bytes: too short for a safetensors header length")
    (header_length,) = struct.unpack("<Q", data[:8])
    if header_length > len(data) - 8:
        raise ValueError(f"header length {header_length} exceeds the {len(data) - 8} bytes that follow")
    try:
        header = json.loads(data[8:8 + header_length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"header is not JSON: {error}")
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    body = data[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        dtype = DTYPES.get(entry.get("dtype"))
        if dtype is None:
            raise ValueError(f"tensor {name}: unsupported dtype {entry.get('dtype')}")
        begin, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        if not 0 <= begin <= end <= len(body):
            raise ValueError(f"tensor {name}: bytes {begin}..{end} outside the {len(body)}-byte data section")
        array = np.frombuffer(body[begin:end], dtype=dtype)
        if array.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"tensor {name}: {array.size} values for shape {list(shape)}")
        tensors[name] = array.reshape(shape)
    return tensors, metadata


def to_pytorch_layout(array):
    """[out, kh, kw, in] -> [out, in, kh, kw]: the 4-D tensors are convolution weights (or their optimizer moments)."""
    return np.transpose(array, (0, 3, 1, 2)) if array.ndim == 4 else array


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--metadata", action="store_true", help="print the full metadata (architecture, optimizer, layout, ...)")
    parser.add_argument("--compare", metavar="NPZ", help="compare every tensor with the array of the same name in NPZ")
    parser.add_argument("--tolerance", type=float, default=0.0, help="largest absolute difference accepted by --compare")
    parser.add_argument("--export", metavar="NPZ", help="write all tensors to NPZ")
    parser.add_argument("--pytorch-layout", action="store_true", help="permute convolution weights to [out, in, kh, kw]")
    args = parser.parse_args()

    try:
        tensors, metadata = read_safetensors(args.file)
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.exit(f"{args.file}: not a readable safetensors file: {error}")
    if args.pytorch_layout:
        tensors = {name: to_pytorch_layout(array) for name, array in tensors.items()}

    if "architecture" in metadata and not args.metadata:
        print("architecture:", metadata["architecture"])
    for key in sorted(metadata):
        if args.metadata or key not in ("architecture", "layout", "optimizer"):
            print(f"metadata {key}: {metadata[key]}")
    total = 0
    print(f"{'tensor':44} {'shape':>18} {'sum':>14} {'mean |x|':>12} {'crc32':>10}")
    for name in sorted(tensors):
        array = tensors[name]
        total += array.size
        crc = zlib.crc32(np.ascontiguousarray(array).astype("<f4").tobytes())
        mean_abs = float(np.abs(array).mean()) if array.size else 0.0
        print(f"{name:44} {str(list(array.shape)):>18} {float(array.astype(np.float64).sum()):14.6g} "
              f"{mean_abs:12.6g} {crc:10x}")
    print(f"{len(tensors)} tensors, {total} values")

    status = 0
    if args.compare:
        other = np.load(args.compare)
        for name in sorted(set(tensors) | set(other.files)):
            if name not in tensors or name not in other.files:
                print(f"only in {'the npz' if name not in tensors else args.file}: {name}")
                status = 1
                continue
            a, b = tensors[name], other[name]
            if a.shape != b.shape:
                print(f"{name}: shape {list(a.shape)} vs {list(b.shape)}")
                status = 1
                continue
            difference = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) if a.size else 0.0
            if difference > args.tolerance:
                print(f"{name}: largest difference {difference:g}")
                status = 1
        print("compare:", "all tensors match" if status == 0 else "differences found")
    if args.export:
        np.savez(args.export, **tensors)
        print("wrote", args.export)
    return status


if __name__ == "__main__":
    sys.exit(main())

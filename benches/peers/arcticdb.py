#!/usr/bin/env python3
"""ArcticDB (on LMDB, or any Arctic URI) as a peer for `floe bench e2e`: the same input file, the
same operations and the same JSON keys, so `floe bench report --from` can merge its figures next
to floe's.

Optional: needs `pip install arcticdb pyarrow pandas`. Like `floe bench e2e`, it takes the first
timestamp column as the index (in nanoseconds), times write, read_all, a date-range read of the
1% of rows from the middle, a one-column read, 100 appends and a read after them, each on a fresh
symbol per repeat, verifies every read against the input, and prints medians as one JSON object.

    python3 benches/peers/arcticdb.py --input /tmp/q.parquet [--column C] [--repeat 3] > arctic.json

With `--uri` it runs against that Arctic URI instead of a temporary LMDB directory, e.g. moto on
loopback as `.ci/services.sh` starts it (each repeat uses its own library, deleted afterwards;
`stored_bytes` is then null):

    python3 benches/peers/arcticdb.py --input /tmp/q.parquet \
        --uri "s3://127.0.0.1:floe-test?port=$PORT&access=floe&secret=floe-secret&path_prefix=arctic"
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# This file's own name would shadow the arcticdb package: drop its folder from the import path.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]


def machine():
    """The same record as floe's machine.rs, so results from one machine share a column."""
    model, implementer, part, features = "unknown", None, None, []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key in ("model name", "Model") and model == "unknown":
                    model = value
                elif key == "CPU implementer" and implementer is None:
                    implementer = value
                elif key == "CPU part" and part is None:
                    part = value
                elif key in ("flags", "Features") and not features:
                    features = value.split()
    except OSError:
        pass
    if model == "unknown" and implementer and part:
        model = f"implementer {implementer} part {part}"
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip() or "unknown"
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    import arcticdb
    wanted = {"sse2", "sse4_1", "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2",
              "avx512f", "avx512bw", "avx512vl", "asimd", "crc32", "aes", "sha2", "atomics",
              "asimddp", "sve", "sve2"}
    return {
        "arch": platform.machine(),
        "os": platform.system().lower(),
        "cpu_model": model,
        "cpu_features": [f for f in features if f in wanted],
        "cores": cores,
        "rustc": f"n/a (python {platform.python_version()}, arcticdb {arcticdb.__version__})",
        "commit": commit,
        "emulated": os.environ.get("FLOE_BENCH_EMULATED") == "1",
    }


def load(path, index):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    if index is None:
        index = next((f.name for f in table.schema if pa.types.is_timestamp(f.type)), None)
        if index is None:
            sys.exit(f"{path} has no timestamp column to index by")
    at = table.schema.get_field_index(index)
    col = table.column(at).cast(pa.timestamp("ns", table.schema.field(at).type.tz))
    table = table.set_column(at, index, col)
    raw_bytes = table.nbytes
    df = table.to_pandas().set_index(index)
    return df, index, raw_bytes


def stored_bytes(directory):
    """Bytes the LMDB environment occupies on disk (allocated blocks: LMDB files are sparse)."""
    total = 0
    for root, _, files in os.walk(directory):
        for name in files:
            total += os.stat(os.path.join(root, name)).st_blocks * 512
    return total


def same(got, expected):
    """Equal values, dtypes and index, exactly (DataFrame.equals also compares block layout)."""
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(got, expected, check_exact=True, check_freq=False)
        return True
    except AssertionError:
        return False


def once(df, column, lo, hi, expected_range, r, uri=None):
    from arcticdb import Arctic

    directory = None if uri else tempfile.mkdtemp(prefix="floe-arcticdb-")
    library = f"bench-{os.getpid()}-{r}"
    try:
        ac = Arctic(uri or f"lmdb://{directory}")
        lib = ac.get_library(library, create_if_missing=True)
        s, ok = {}, True
        symbol = f"bench-{r}"
        t = time.perf_counter()
        lib.write(symbol, df)
        s["write"] = time.perf_counter() - t
        size = stored_bytes(directory) if directory else None

        t = time.perf_counter()
        got = lib.read(symbol).data
        s["read_all"] = time.perf_counter() - t
        ok &= same(got, df)

        t = time.perf_counter()
        got = lib.read(symbol, date_range=(lo, hi)).data
        s["read_range"] = time.perf_counter() - t
        ok &= same(got, expected_range)

        t = time.perf_counter()
        got = lib.read(symbol, columns=[column]).data
        s["read_column"] = time.perf_counter() - t
        ok &= same(got, df[[column]])

        n = len(df)
        step = max(n // 100, 1)
        appended = f"{symbol}-append"
        t = time.perf_counter()
        lib.write(appended, df.iloc[:step])
        at = step
        for i in range(1, 100):
            length = n - at if i == 99 else min(step, n - at)
            lib.append(appended, df.iloc[at:at + length])
            at += length
        s["append"] = time.perf_counter() - t
        t = time.perf_counter()
        got = lib.read(appended).data
        s["read_after_append"] = time.perf_counter() - t
        ok &= same(got, df)
        del lib
        if uri:
            ac.delete_library(library)
        del ac
        return s, size, bool(ok)
    finally:
        if directory:
            shutil.rmtree(directory, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, help="Parquet file (e.g. from `floe gen quotes`)")
    p.add_argument("--index", help="index column (default: the first timestamp column)")
    p.add_argument("--column", help="column for the one-column read (default: the first one)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--uri", help="Arctic URI to run against (default: a temporary LMDB directory)")
    a = p.parse_args()

    df, index, raw_bytes = load(a.input, a.index)
    n = len(df)
    if n < 100:
        sys.exit("the input needs at least 100 rows")
    column = a.column or df.columns[0]
    lo, hi = df.index[n // 2], df.index[n // 2 + n // 100 - 1]
    expected_range = df[(df.index >= lo) & (df.index <= hi)]

    samples, sizes, verified = [], [], True
    for r in range(max(a.repeat, 1)):
        s, size, ok = once(df, column, lo, hi, expected_range, r, a.uri)
        samples.append(s)
        sizes.append(size)
        verified &= ok
    med = lambda k: statistics.median(s[k] for s in samples)
    print(json.dumps({
        "implementation": "arcticdb-s3" if a.uri and a.uri.startswith("s3") else
        "arcticdb" if a.uri else "arcticdb-lmdb",
        "input": a.input,
        "store": a.uri.split("?")[0] if a.uri else "temporary LMDB directory",
        "index": index,
        "column": column,
        "repeat": len(samples),
        "rows": n,
        "raw_bytes": raw_bytes,
        "stored_bytes": None if a.uri else int(statistics.median(sizes)),
        "write_s": med("write"),
        "read_all_s": med("read_all"),
        "read_range_s": med("read_range"),
        "read_column_s": med("read_column"),
        "append_s": med("append"),
        "read_after_append_s": med("read_after_append"),
        "verified": verified,
        "machine": machine(),
    }, indent=2))
    if not verified:
        sys.exit("a read did not match the input")


if __name__ == "__main__":
    main()

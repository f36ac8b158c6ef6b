"""Merkle root of 1M leaves against plain SHA-256 of the same inputs.

Run: python benchmarks/bench_merkle.py [leaves] [repeats]. Prints best-of times.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.merkle import MerkleLog, leaf_hash, root_from_leaf_hashes


def best_of(repeats: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    # Shaped like production leaf data: hex SHA-256 of an event's canonical JSON.
    inputs = [
        hashlib.sha256(f'{{"position":{i}}}'.encode()).hexdigest().encode()
        for i in range(count)
    ]
    leaves = [leaf_hash(data) for data in inputs]
    sha256 = hashlib.sha256

    baseline = best_of(repeats, lambda: [sha256(data).digest() for data in inputs])
    hashing = best_of(repeats, lambda: [leaf_hash(data) for data in inputs])
    root = best_of(repeats, lambda: root_from_leaf_hashes(leaves))
    log_build = best_of(repeats, lambda: MerkleLog(leaves))

    log = MerkleLog(leaves)
    assert log.root() == root_from_leaf_hashes(leaves)
    prefix_root = best_of(repeats, lambda: log.root(count - 1))
    proof = best_of(repeats, lambda: log.inclusion_proof(count // 3))
    consistency = best_of(repeats, lambda: log.consistency_proof(count // 3))

    print(f"leaves: {count:,}  (best of {repeats})")
    print(f"baseline sha256 of leaf inputs  {baseline:8.3f} s")
    print(f"leaf_hash of leaf inputs        {hashing:8.3f} s")
    print(f"root_from_leaf_hashes           {root:8.3f} s")
    print(f"leaf hashing + root             {hashing + root:8.3f} s")
    print(f"MerkleLog build (append each)   {log_build:8.3f} s")
    print(f"MerkleLog.root(prefix)          {prefix_root * 1e6:8.1f} µs")
    print(f"MerkleLog.inclusion_proof       {proof * 1e6:8.1f} µs")
    print(f"MerkleLog.consistency_proof     {consistency * 1e6:8.1f} µs")
    print(f"ratio root / baseline           {root / baseline:8.2f}x")
    print(f"ratio (leaves + root) / baseline{(hashing + root) / baseline:8.2f}x")


if __name__ == "__main__":
    main()

"""RFC 9162 §2.1 Merkle Tree Hash, inclusion and consistency proofs.

The tree over n leaves is the RFC's left-balanced binary tree: it is split at
the largest power of two smaller than n. Hashes are domain separated so a leaf
can never be passed off as an interior node (second-preimage resistance):

* empty tree: SHA-256("")
* leaf:       SHA-256(0x00 || data)
* node:       SHA-256(0x01 || left || right)

Hashes in and out are raw 32-byte digests. Proof functions raise
``ValueError`` on arguments the caller controls (sizes out of range); verify
functions never raise and answer ``False`` to anything malformed, since their
inputs come from whoever is being audited.

A proof binds a leaf or an old root to a new root, not to a tree size: a
size-3 inclusion proof can also verify as a size-4 one. Take size and root
together from a signed checkpoint, never the size from the prover alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256

# Hash of the leaves in [start, end) as the RFC defines MTH(D[start:end]).
_RangeHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH of the leaves whose leaf hashes are given, in order.

    Level by level: pair neighbours, carry an odd last node up unchanged. That
    yields the RFC's split-at-largest-power-of-two tree. O(n) time and memory.
    """
    _require_digests(hashes)
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        paired = [
            _sha256(_NODE_PREFIX + left + right).digest()
            for left, right in zip(level[0::2], level[1::2], strict=False)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), deepest sibling first. O(size)."""
    _require_prefix(len(leaf_hashes), size)
    return _path(index, size, _sequence_range_hash(leaf_hashes))


def consistency_proof(
    leaf_hashes: Sequence[bytes], old_size: int, new_size: int
) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[0:new_size]). O(new_size).

    Empty when ``old_size`` is 0 or equals ``new_size``: nothing needs proving.
    """
    _require_prefix(len(leaf_hashes), new_size)
    return _subproof(old_size, new_size, _sequence_range_hash(leaf_hashes))


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` put ``leaf_hash`` at ``index`` of ``root``?"""
    if not 0 <= index < size or not _are_digests([leaf_hash, root, *proof]):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``old_root`` a prefix of ``new_root``?

    The RFC covers 0 < old_size < new_size. Outside it: equal sizes need equal
    roots and an empty proof; the empty tree (root SHA-256("")) is a prefix of
    every tree, again with an empty proof.
    """
    if not 0 <= old_size <= new_size or not _are_digests([old_root, new_root, *proof]):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class MerkleLog:
    """Append-only Merkle log answering roots and proofs for any prefix.

    Stores every complete (perfect, aligned) subtree: level 0 holds the leaf
    hashes, level L holds the hash of leaves [i * 2**L, (i + 1) * 2**L) at slot
    i. Each level is one ``bytearray`` of concatenated digests, so the whole
    log costs about 64 bytes per leaf (≈ 2n digests, no per-object overhead).

    * ``append``: amortised O(1) hashes (O(log n) worst case).
    * ``root(size)``: O(log n) — folds the ≤ log n perfect subtrees of the
      prefix.
    * ``inclusion_proof`` / ``consistency_proof``: O(log² n) — each of the
      O(log n) proof nodes is such a fold.

    Every subtree the RFC recursion asks for starts at a multiple of its own
    largest power-of-two part, so it always decomposes into stored subtrees.
    Not thread-safe: callers serialise appends against reads.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return self._size

    def append(self, leaf_hash: bytes) -> int:
        """Add the next leaf hash; return its index."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        index = self._size
        node = bytes(leaf_hash)
        level = 0
        self._levels[0] += node
        # A right child completes its parent; keep climbing while it does.
        while index & 1:
            left = self._node(level, index - 1)
            node = node_hash(left, node)
            level += 1
            index >>= 1
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += node
        self._size += 1
        return self._size - 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf in leaf_hashes:
            self.append(leaf)

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self._size:
            raise IndexError(f"leaf index {index} outside log of size {self._size}")
        return self._node(0, index)

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all)."""
        size = self._size if size is None else size
        _require_prefix(self._size, size)
        return self._range_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self._size if size is None else size
        _require_prefix(self._size, size)
        return _path(index, size, self._range_hash)

    def consistency_proof(
        self, old_size: int, new_size: int | None = None
    ) -> list[bytes]:
        new_size = self._size if new_size is None else new_size
        _require_prefix(self._size, new_size)
        return _subproof(old_size, new_size, self._range_hash)

    def _node(self, level: int, index: int) -> bytes:
        offset = index * HASH_SIZE
        return bytes(self._levels[level][offset : offset + HASH_SIZE])

    def _range_hash(self, start: int, end: int) -> bytes:
        if start == end:
            return EMPTY_ROOT
        peaks: list[bytes] = []
        position = start
        for level in reversed(range((end - start).bit_length())):
            width = 1 << level
            if (end - start) & width:
                if position % width:
                    raise AssertionError("range does not align with stored subtrees")
                peaks.append(self._node(level, position >> level))
                position += width
        # MTH splits off the largest power of two first, so fold right to left.
        root = peaks[-1]
        for peak in reversed(peaks[:-1]):
            root = node_hash(peak, root)
        return root


def _path(index: int, size: int, range_hash: _RangeHash) -> list[bytes]:
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} outside tree of size {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            proof.append(range_hash(start + k, end))
            end = start + k
        else:
            proof.append(range_hash(start, start + k))
            start += k
    proof.reverse()
    return proof


def _subproof(old_size: int, new_size: int, range_hash: _RangeHash) -> list[bytes]:
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove size {old_size} is a prefix of {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    start, end, m = 0, new_size, old_size
    old_root_is_known = True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end))
            end = start + k
        else:
            proof.append(range_hash(start, start + k))
            start += k
            m -= k
            old_root_is_known = False
    if not old_root_is_known:
        proof.append(range_hash(start, end))
    proof.reverse()
    return proof


def _split(n: int) -> int:
    """Largest power of two strictly less than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _sequence_range_hash(leaf_hashes: Sequence[bytes]) -> _RangeHash:
    def range_hash(start: int, end: int) -> bytes:
        return root_from_leaf_hashes(leaf_hashes[start:end])

    return range_hash


def _require_prefix(available: int, size: int) -> None:
    if not 0 <= size <= available:
        raise ValueError(f"tree size {size} outside 0..{available}")


def _require_digests(hashes: Iterable[bytes]) -> None:
    if not _are_digests(hashes):
        raise ValueError(f"every hash must be {HASH_SIZE} bytes")


def _are_digests(hashes: Iterable[bytes]) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)

"""An independent RFC 9162 checker for the tests, sharing no code with domain.merkle.

It rebuilds roots from proofs by following the tree's shape recursively (the
definition in RFC 9162 §2.1.1), not the RFC's iterative bit-twiddling, so a
mistake in the production verifier cannot hide behind the same mistake here.
"""

from __future__ import annotations

import hashlib


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(data: bytes) -> bytes:
    return _sha(b"\x00" + data)


def node(left: bytes, right: bytes) -> bytes:
    return _sha(b"\x01" + left + right)


def _split(n: int) -> int:
    k = 1
    while 2 * k < n:
        k *= 2
    return k


def root_of(leaves: list[bytes]) -> bytes:
    """MTH over already-hashed leaves."""
    if not leaves:
        return _sha(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node(root_of(leaves[:k]), root_of(leaves[k:]))


def root_from_inclusion(
    leaf_hash: bytes, index: int, size: int, path: list[bytes]
) -> bytes:
    """The root ``path`` (deepest sibling first) gives for this leaf."""
    if size == 1:
        if path:
            raise ValueError("proof longer than the tree is deep")
        return leaf_hash
    if not path:
        raise ValueError("proof shorter than the tree is deep")
    k = _split(size)
    *deeper, sibling = path
    if index < k:
        return node(root_from_inclusion(leaf_hash, index, k, deeper), sibling)
    return node(sibling, root_from_inclusion(leaf_hash, index - k, size - k, deeper))


def proves_inclusion(
    data: bytes, index: int, size: int, path: list[bytes], root: bytes
) -> bool:
    try:
        return (
            0 <= index < size
            and root_from_inclusion(leaf(data), index, size, path) == root
        )
    except ValueError:
        return False


def proves_consistency(
    old_size: int, new_size: int, path: list[bytes], old_root: bytes, new_root: bytes
) -> bool:
    """RFC 9162 §2.1.4: rebuild both roots from the proof, recursively."""
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size == 0:
        return not path
    rest = list(path)
    try:
        old, new = _roots(old_size, new_size, rest, old_root, True)
    except ValueError:
        return False
    return not rest and old == old_root and new == new_root


def _roots(
    m: int, n: int, path: list[bytes], old_root: bytes, whole: bool
) -> tuple[bytes, bytes]:
    """(MTH(D[0:m]), MTH(D[0:n])) from SUBPROOF(m, D[0:n], whole).

    The proof lists the deepest hash first, so each level takes its sibling
    from the end and the innermost subtree hash is the first element.
    """
    if m == n:
        if whole:
            return old_root, old_root
        if not path:
            raise ValueError("proof too short")
        subtree = path.pop(0)
        return subtree, subtree
    if not path:
        raise ValueError("proof too short")
    k = _split(n)
    sibling = path.pop()
    if m <= k:
        old, new = _roots(m, k, path, old_root, whole)
        return old, node(new, sibling)
    old, new = _roots(m - k, n - k, path, old_root, False)
    return node(sibling, old), node(sibling, new)

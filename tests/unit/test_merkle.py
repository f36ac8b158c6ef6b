"""domain.merkle against a naive RFC 9162 §2.1 reference written from the RFC text."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 40

# --- Independent reference: the recursive definitions of RFC 9162 §2.1 -------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(data: Sequence[bytes]) -> bytes:
    if len(data) == 0:
        return _h(b"")
    if len(data) == 1:
        return _h(b"\x00" + data[0])
    k = _k(len(data))
    return _h(b"\x01" + ref_mth(data[:k]) + ref_mth(data[k:]))


def ref_path(m: int, data: Sequence[bytes]) -> list[bytes]:
    if len(data) == 1:
        return []
    k = _k(len(data))
    if m < k:
        return [*ref_path(m, data[:k]), ref_mth(data[k:])]
    return [*ref_path(m - k, data[k:]), ref_mth(data[:k])]


def ref_subproof(m: int, data: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if b else [ref_mth(data)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, data[:k], b), ref_mth(data[k:])]
    return [*ref_subproof(m - k, data[k:], False), ref_mth(data[:k])]


def ref_root_from_path(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """Rebuild the root by walking the tree shape; consumes the proof top-down."""
    if size == 1:
        assert not proof, "proof longer than the tree is deep"
        return leaf
    assert proof, "proof shorter than the tree is deep"
    k = _k(size)
    *rest, sibling = proof
    if index < k:
        return _h(b"\x01" + ref_root_from_path(index, k, leaf, rest) + sibling)
    return _h(b"\x01" + sibling + ref_root_from_path(index - k, size - k, leaf, rest))


def ref_roots_from_consistency(
    m: int, n: int, old_root: bytes, proof: list[bytes]
) -> tuple[bytes, bytes]:
    """Rebuild (old root, new root) by walking SUBPROOF's recursion."""
    remaining = list(proof)

    def walk(m: int, n: int, b: bool) -> tuple[bytes, bytes]:
        if m == n:
            known = old_root if b else remaining.pop()
            return known, known
        k = _k(n)
        sibling = remaining.pop()
        if m <= k:
            old, new = walk(m, k, b)
            return old, _h(b"\x01" + new + sibling)
        old, new = walk(m - k, n - k, False)
        return _h(b"\x01" + sibling + old), _h(b"\x01" + sibling + new)

    roots = walk(m, n, True)
    assert not remaining, "proof has unused hashes"
    return roots


# --- Fixtures ---------------------------------------------------------------


def event_leaf_data(i: int) -> bytes:
    # Shaped like production leaves: hex SHA-256 of canonical JSON, as UTF-8.
    return hashlib.sha256(f'{{"position":{i}}}'.encode()).hexdigest().encode()


DATA = [event_leaf_data(i) for i in range(MAX_SIZE)]
LEAVES = [leaf_hash(d) for d in DATA]
REF_ROOTS = [ref_mth(DATA[:n]) for n in range(MAX_SIZE + 1)]
SIZES = range(1, MAX_SIZE + 1)


@pytest.fixture(scope="module")
def log() -> MerkleLog:
    return MerkleLog(LEAVES)


def flip(digest: bytes) -> bytes:
    return bytes([digest[0] ^ 1]) + digest[1:]


# Certificate Transparency's published RFC 6962 test vectors.
CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CT_CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip


# --- Known answers ------------------------------------------------------------


def test_empty_tree_root_is_sha256_of_the_empty_string() -> None:
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert EMPTY_ROOT.hex() == expected
    assert root_from_leaf_hashes([]).hex() == expected
    assert MerkleLog().root().hex() == expected


def test_roots_match_the_published_ct_vectors() -> None:
    leaves = [leaf_hash(d) for d in CT_DATA]
    log = MerkleLog(leaves)
    for size, expected in enumerate(CT_ROOTS):
        assert root_from_leaf_hashes(leaves[:size]).hex() == expected
        assert log.root(size).hex() == expected


@pytest.mark.parametrize(("index", "size", "expected"), CT_INCLUSION)
def test_inclusion_proofs_match_the_published_ct_vectors(
    index: int, size: int, expected: list[str]
) -> None:
    leaves = [leaf_hash(d) for d in CT_DATA]
    assert [p.hex() for p in inclusion_proof(leaves, index, size)] == expected
    assert [p.hex() for p in MerkleLog(leaves).inclusion_proof(index, size)] == expected
    root = bytes.fromhex(CT_ROOTS[size])
    proof = [bytes.fromhex(p) for p in expected]
    assert verify_inclusion(leaves[index], index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "expected"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_published_ct_vectors(
    old: int, new: int, expected: list[str]
) -> None:
    leaves = [leaf_hash(d) for d in CT_DATA]
    assert [p.hex() for p in consistency_proof(leaves, old, new)] == expected
    assert [p.hex() for p in MerkleLog(leaves).consistency_proof(old, new)] == expected
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    proof = [bytes.fromhex(p) for p in expected]
    assert verify_consistency(old, new, old_root, new_root, proof)


# --- Agreement with the reference for every shape up to MAX_SIZE -------------


def test_leaf_hash_prefixes_a_zero_byte() -> None:
    assert leaf_hash(b"abc") == _h(b"\x00abc")


def test_root_of_every_prefix_matches_the_reference(log: MerkleLog) -> None:
    for size in range(MAX_SIZE + 1):
        assert root_from_leaf_hashes(LEAVES[:size]) == REF_ROOTS[size]
        assert log.root(size) == REF_ROOTS[size]
    assert log.root() == REF_ROOTS[MAX_SIZE]


def test_log_grown_one_leaf_at_a_time_has_the_reference_root_after_each() -> None:
    grown = MerkleLog()
    for index, leaf in enumerate(LEAVES):
        assert grown.append(leaf) == index
        assert grown.size == len(grown) == index + 1
        assert grown.root() == REF_ROOTS[index + 1]
        assert grown.leaf_hash(index) == leaf


@pytest.mark.parametrize("size", SIZES)
def test_every_inclusion_proof_is_the_reference_path_and_verifies(
    log: MerkleLog, size: int
) -> None:
    root = REF_ROOTS[size]
    for index in range(size):
        proof = inclusion_proof(LEAVES, index, size)
        assert proof == ref_path(index, DATA[:size])
        assert log.inclusion_proof(index, size) == proof
        assert ref_root_from_path(index, size, LEAVES[index], proof) == root
        assert verify_inclusion(LEAVES[index], index, size, proof, root)


@pytest.mark.parametrize("new", SIZES)
def test_every_consistency_proof_is_the_reference_subproof_and_verifies(
    log: MerkleLog, new: int
) -> None:
    for old in range(new + 1):
        proof = consistency_proof(LEAVES, old, new)
        expected = [] if old in (0, new) else ref_subproof(old, DATA[:new], True)
        assert proof == expected
        assert log.consistency_proof(old, new) == proof
        if 0 < old < new:
            rebuilt = ref_roots_from_consistency(old, new, REF_ROOTS[old], proof)
            assert rebuilt == (REF_ROOTS[old], REF_ROOTS[new])
        assert verify_consistency(old, new, REF_ROOTS[old], REF_ROOTS[new], proof)


# --- Tampering is detected ----------------------------------------------------


# Sizes are not tampered with here: a proof authenticates against a root, and a
# root verified for size 3 can also pass for size 4 (the size-4 path treats the
# third leaf as an opaque right subtree). Size and root come signed together.


@pytest.mark.parametrize("size", SIZES)
def test_inclusion_verification_rejects_every_kind_of_tampering(size: int) -> None:
    root = REF_ROOTS[size]
    for index in range(size):
        leaf = LEAVES[index]
        proof = inclusion_proof(LEAVES, index, size)
        assert not verify_inclusion(flip(leaf), index, size, proof, root)
        assert not verify_inclusion(leaf, index, size, proof, flip(root))
        for other in range(-1, size + 2):
            if other != index:
                assert not verify_inclusion(leaf, other, size, proof, root)
        for position in range(len(proof)):
            bad = [*proof[:position], flip(proof[position]), *proof[position + 1 :]]
            assert not verify_inclusion(leaf, index, size, bad, root)
        if proof:
            assert not verify_inclusion(leaf, index, size, proof[:-1], root)
        assert not verify_inclusion(leaf, index, size, [*proof, LEAVES[0]], root)


@pytest.mark.parametrize("new", SIZES)
def test_consistency_verification_rejects_every_kind_of_tampering(new: int) -> None:
    # From size 0 nothing binds the new root; that case has its own test below.
    for old in range(1, new + 1):
        old_root, new_root = REF_ROOTS[old], REF_ROOTS[new]
        proof = consistency_proof(LEAVES, old, new)
        assert not verify_consistency(old, new, flip(old_root), new_root, proof)
        assert not verify_consistency(old, new, old_root, flip(new_root), proof)
        for position in range(len(proof)):
            bad = [*proof[:position], flip(proof[position]), *proof[position + 1 :]]
            assert not verify_consistency(old, new, old_root, new_root, bad)
        if proof:
            assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
        extended = [*proof, LEAVES[0]]
        assert not verify_consistency(old, new, old_root, new_root, extended)


def test_rewritten_history_fails_consistency_with_the_old_root() -> None:
    checkpoint_size, checkpoint_root = 13, REF_ROOTS[13]
    rewritten = list(LEAVES)
    rewritten[5] = leaf_hash(b"forged event")
    proof = consistency_proof(rewritten, checkpoint_size, MAX_SIZE)
    new_root = root_from_leaf_hashes(rewritten)
    assert not verify_consistency(
        checkpoint_size, MAX_SIZE, checkpoint_root, new_root, proof
    )


def test_verifiers_reject_hashes_of_the_wrong_length() -> None:
    proof = inclusion_proof(LEAVES, 3, 8)
    assert not verify_inclusion(LEAVES[3][:31], 3, 8, proof, REF_ROOTS[8])
    assert not verify_inclusion(LEAVES[3], 3, 8, [*proof[:-1], b""], REF_ROOTS[8])
    assert not verify_consistency(0, 0, b"", b"", [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, REF_ROOTS[5], [b"x" * 33])


def test_empty_tree_is_consistent_with_every_tree_without_a_proof() -> None:
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 7, EMPTY_ROOT, REF_ROOTS[7], [])
    assert not verify_consistency(0, 7, REF_ROOTS[1], REF_ROOTS[7], [])
    assert not verify_consistency(0, 7, EMPTY_ROOT, REF_ROOTS[7], [REF_ROOTS[7]])


# --- Argument checking --------------------------------------------------------


@pytest.mark.parametrize(("index", "size"), [(-1, 5), (5, 5), (0, 0), (0, 41)])
def test_inclusion_proof_refuses_out_of_range_arguments(
    log: MerkleLog, index: int, size: int
) -> None:
    with pytest.raises(ValueError):
        inclusion_proof(LEAVES, index, size)
    with pytest.raises(ValueError):
        log.inclusion_proof(index, size)


@pytest.mark.parametrize(("old", "new"), [(-1, 5), (6, 5), (0, 41), (3, -1)])
def test_consistency_proof_refuses_out_of_range_arguments(
    log: MerkleLog, old: int, new: int
) -> None:
    with pytest.raises(ValueError):
        consistency_proof(LEAVES, old, new)
    with pytest.raises(ValueError):
        log.consistency_proof(old, new)


def test_log_refuses_leaf_hashes_that_are_not_32_bytes() -> None:
    with pytest.raises(ValueError):
        MerkleLog().append(b"short")
    with pytest.raises(ValueError):
        root_from_leaf_hashes([b"short"])


def test_log_refuses_roots_beyond_its_size(log: MerkleLog) -> None:
    with pytest.raises(ValueError):
        log.root(MAX_SIZE + 1)
    with pytest.raises(IndexError):
        log.leaf_hash(MAX_SIZE)


def test_log_defaults_to_its_current_size(log: MerkleLog) -> None:
    assert log.inclusion_proof(7) == inclusion_proof(LEAVES, 7, MAX_SIZE)
    assert log.consistency_proof(9) == consistency_proof(LEAVES, 9, MAX_SIZE)


# --- Random trees ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.binary(max_size=16), min_size=1, max_size=150),
    pick=st.data(),
)
def test_random_trees_agree_with_the_reference(
    data: list[bytes], pick: st.DataObject
) -> None:
    leaves = [leaf_hash(d) for d in data]
    size = len(leaves)
    log = MerkleLog(leaves)
    root = ref_mth(data)
    assert root_from_leaf_hashes(leaves) == root == log.root()

    index = pick.draw(st.integers(0, size - 1))
    proof = log.inclusion_proof(index)
    assert proof == ref_path(index, data)
    assert verify_inclusion(leaves[index], index, size, proof, root)

    old = pick.draw(st.integers(0, size))
    old_root = ref_mth(data[:old])
    proof = log.consistency_proof(old)
    assert proof == ([] if old in (0, size) else ref_subproof(old, data, True))
    assert verify_consistency(old, size, old_root, root, proof)

"""Which partition a subject's events go to: Kafka's default for keyed records.

The relay names the partition itself (rather than leaving it to the client) so
that the partition of every event is a fact it can record and readers can
compute: murmur2 of the key, as the Java client and kafka-python both do.
"""

from __future__ import annotations

from kafka.partitioner.default import murmur2


def partition_for(subject_code: str, partitions: int) -> int:
    return int(murmur2(subject_code.encode()) & 0x7FFFFFFF) % partitions

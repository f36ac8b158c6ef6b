"""Positions of a view fed through Kafka, one per partition.

A consumer tracks, per partition, the last global position it applied
(``kafka:<topic>:<partition>``) and the offset to resume from
(``kafka-offset:<topic>:<partition>``), in the view's own transaction.

Which position does the view reflect? Partition p holds every event up to its
tracked position. The relay records, with its own position R, the last
position it published to each partition (L_p); a partition whose tracked
position has reached L_p holds every event of that partition up to R. So the
view holds every event up to min over p of (R if tracked_p >= L_p else
tracked_p): an idle partition does not hold the view back, and a
``min_position`` read waits for that figure like it waits for a store-fed
view's position.
"""

from __future__ import annotations

from typing import Any

from infrastructure.kafka.relay_positions import CREATE, CREATE_MARKS
from infrastructure.views.sources import (
    PartitionProgress,
    PositionSource,
    SourceProgress,
)
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView
from infrastructure.views.tracking_sql import ADVANCE_POSITION, SET_POSITION

SELECT_FEED = """SELECT 'tracked' AS kind, application_name AS name,
 notification_id AS value FROM view_tracking WHERE view_name = %(view)s
UNION ALL SELECT 'relay', topic, position FROM relay_positions
 WHERE topic = %(topic)s
UNION ALL SELECT 'mark', CAST(partition_no AS TEXT), last_position
 FROM relay_partitions WHERE topic = %(topic)s"""


def partition_tracking(topic: str, partition: int) -> str:
    return f"kafka:{topic}:{partition}"


def offset_tracking(topic: str, partition: int) -> str:
    return f"kafka-offset:{topic}:{partition}"


class FromKafka(PositionSource):
    def __init__(self, topic: str, partitions: int) -> None:
        self.topic = topic
        self.partitions = range(partitions)
        self.name = f"kafka:{topic}"

    def create_tables(self, view: SqlTrackedView) -> None:
        """The relay's tables, read here, may not exist before it first runs."""
        with view.store.transaction(commit=True) as c:
            c.execute(CREATE)
            c.execute(CREATE_MARKS)

    def progress(self, view: SqlTrackedView, cursor: Any) -> SourceProgress:
        cursor.execute(
            view.sql(SELECT_FEED), {"view": view.view_name, "topic": self.topic}
        )
        tracked: dict[str, int] = {}
        marks: dict[int, int] = {}
        relay = 0
        for row in map(as_dict, cursor.fetchall()):
            value = int(row["value"])
            if row["kind"] == "tracked":
                tracked[row["name"]] = value
            elif row["kind"] == "mark":
                marks[int(row["name"])] = value
            else:
                relay = value
        # Without marks (a relay that kept none) a partition's reach is unknown.
        known = bool(marks) or relay == 0
        partitions = []
        for p in self.partitions:
            position = tracked.get(partition_tracking(self.topic, p), 0)
            reaches_relay = known and position >= marks.get(p, 0)
            reach = max(position, relay) if reaches_relay else position
            partitions.append(PartitionProgress(self.topic, p, position, reach))
        return SourceProgress(
            self.name,
            min(p.reach for p in partitions),
            tuple(partitions),
            self.topic,
            relay,
        )

    def lock(self, view: SqlTrackedView, cursor: Any) -> int:
        return max(
            view.lock_position(cursor, partition_tracking(self.topic, p))
            for p in self.partitions
        )

    def hand_over(self, view: SqlTrackedView, cursor: Any) -> int:
        """A view the store fed until now (a service moving from embedded
        views to Kafka): no partition has moved it yet, so each starts from the
        position the store had brought it to, and the consumers skip the events
        up to there, as after a rebuild's swap. The position handed over, or 0
        if there was nothing to hand over. The partitions' rows stay locked
        until the caller commits: two consumers starting at once hand over once.
        """
        reached = view.read_position(cursor, view.upstream)
        if not reached or self.lock(view, cursor):
            return 0
        self._set_every_partition(view, cursor, reached, ADVANCE_POSITION)
        return reached

    def take(self, view: SqlTrackedView, cursor: Any, position: int) -> None:
        # The consumers keep their offsets and skip what the rebuild applied.
        self._set_every_partition(view, cursor, position, SET_POSITION)

    def _set_every_partition(
        self, view: SqlTrackedView, cursor: Any, position: int, statement: str
    ) -> None:
        for p in self.partitions:
            params = {
                "view": view.view_name,
                "app": partition_tracking(self.topic, p),
                "id": position,
            }
            cursor.execute(view.sql(statement), params)

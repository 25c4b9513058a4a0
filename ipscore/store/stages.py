"""The season's events in the archive (`season_events`): appended in the writer's transaction,
read back in order. What they mean — stages, who may take which step — is `season.stages`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select

from .schema import season_events


@dataclass(frozen=True)
class Event:
    id: int
    year: int
    city: str
    pack: str
    action: str
    stage: str  # the city's stage after the event
    submission_id: int | None  # the version acted on
    by: str
    role: str
    at: str  # UTC, ISO 8601
    opinion: str | None
    late: bool
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "city": self.city,
            "pack": self.pack,
            "action": self.action,
            "stage": self.stage,
            "submission_id": self.submission_id,
            "by": self.by,
            "role": self.role,
            "at": self.at,
            "opinion": self.opinion,
            "late": self.late,
            "details": self.details,
        }


def events_of(conn: Connection, year: int, city: str | None = None) -> list[Event]:
    """A year's events (of one city), in the order they were recorded."""
    query = select(season_events).where(season_events.c.year == year)
    if city is not None:
        query = query.where(season_events.c.city == city)
    return [_event(r) for r in conn.execute(query.order_by(season_events.c.id)).mappings()]


def add_event(conn: Connection, event: Event) -> Event:
    """Append an event (its `id` is ignored); the event as stored."""
    row = event.to_dict()
    del row["id"]
    row["details_json"] = json.dumps(row.pop("details"), ensure_ascii=False, sort_keys=True)
    new = conn.execute(insert(season_events).values(**row)).inserted_primary_key
    assert new is not None
    return _event({**row, "id": new[0], "details_json": row["details_json"]})


def _event(r: Any) -> Event:
    return Event(
        id=r["id"],
        year=r["year"],
        city=r["city"],
        pack=r["pack"],
        action=r["action"],
        stage=r["stage"],
        submission_id=r["submission_id"],
        by=r["by"],
        role=r["role"],
        at=r["at"],
        opinion=r["opinion"],
        late=bool(r["late"]),
        details=json.loads(r["details_json"]),
    )

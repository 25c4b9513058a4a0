"""The archive's tables (SQLAlchemy Core). Changes go through a new Alembic migration in
`migrations/versions/`, never by editing an applied one."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

# The newest migration in migrations/versions/ (a test keeps the two in step): an archive at
# this revision opens without loading Alembic.
HEAD = "0007"

metadata = MetaData()

# One row per stored submission, never updated or deleted: a corrected submission for the same
# pack, city and year is a new row, and the newest (highest id) is the current one.
submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pack", String(100), nullable=False),
    Column("pack_version", String(50), nullable=False),
    Column("pack_sha256", String(64), nullable=False),
    Column("city", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    # "assessment": assessed under its pack's year; "figures": another year's figures only.
    Column("kind", String(20), nullable=False),
    Column("source", Text, nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("references_json", Text, nullable=False),  # [{"file", "sha256"}] of reference files
    Column("stored_at", String(32), nullable=False),  # UTC, ISO 8601
    Column("stored_by", String(200), nullable=True),
    Column("reason", Text, nullable=True),  # why this version was stored (`--reason`)
    Column("ipscore_version", String(50), nullable=False),
    Column("result_json", Text, nullable=True),  # the assessment's JSON; null for figures only
    Index("submissions_key", "pack", "city", "year"),
    Index("submissions_city_year", "city", "year"),  # other years of a city, whatever the pack
)

# Each submitted figure of a stored submission: what other years are read from.
figures = Table(
    "figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("city", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("field", String(200), nullable=False),
    Column("type", String(10), nullable=False),  # bool | int | decimal | date | text
    Column("value", Text, nullable=False),
    Index("figures_key", "city", "year", "field"),
    Index("figures_submission", "submission_id"),
)

# A reviewer's check of one requirement's supporting documents, never updated or deleted: the
# newest check of a pack, city, year and requirement is the one that stands, while the verdict
# and the documents it was made on (their hash) are unchanged.
checks = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("pack", String(100), nullable=False),
    Column("city", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("requirement", String(100), nullable=False),
    Column("decision", String(20), nullable=False),  # verified | rejected
    Column("reason", Text, nullable=True),
    Column("checked_by", String(200), nullable=False),
    Column("checked_at", String(32), nullable=False),  # UTC, ISO 8601
    Column("verdict", String(20), nullable=False),  # the requirement's verdict when checked
    Column("evidence_sha256", String(64), nullable=False),  # its documents when checked
    Index("checks_key", "pack", "city", "year"),
)

# Each pack that made a stored result, once, by its content hash (`packs.document`): the pack's
# whole document, whatever it extends merged in, from which the result can be replayed.
packs = Table(
    "packs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("pack", String(100), nullable=False),
    Column("pack_version", String(50), nullable=False),
    Column("document", Text, nullable=False),
    Column("stored_at", String(32), nullable=False),  # UTC, ISO 8601: when first stored
)

# A signed-in session of `ipscore serve`: the cookie holds a random token, this row its SHA-256.
# It ends at sign-out, after being idle, or once the user's password is not the one it was
# made with (`password`: a fingerprint of the hash). Times in seconds since the epoch.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_name", String(200), nullable=False),
    Column("password", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
    Column("ended_at", Float, nullable=True),
    Column("address", String(100), nullable=True),
)

# Each sign-in attempt, by name and address: what the throttle counts.
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(200), nullable=False),
    Column("address", String(100), nullable=False),
    Column("at", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Index("sign_ins_name", "user_name", "at"),
    Index("sign_ins_address", "address", "at"),
)

# What `ipscore serve` was sent: a self-check's file or a reviewer's batch, with what is known
# of it (`meta`, JSON: kind, by, city, pack, file), and each file as it arrived.
uploads = Table(
    "uploads",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("meta", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

upload_files = Table(
    "upload_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("upload_id", String(32), ForeignKey("uploads.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index("upload_files_upload", "upload_id"),
)

# Secrets every server process sharing the database must share: the key that signs cookies.
web_keys = Table(
    "web_keys",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", String(200), nullable=False),
)

# A season file (`ipscore season open`): the year's stages, deadlines, notice period, quotas and
# expert assignments as the national office set them, kept whole. Never updated: a changed
# season file is a new row, and the newest of a year is the one that stands.
seasons = Table(
    "seasons",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("file", String(500), nullable=False),
    Column("document", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("stored_at", String(32), nullable=False),  # UTC, ISO 8601
    Column("stored_by", String(200), nullable=False),
    Index("seasons_year", "year"),
)

# What each hand did to a city's file in a season (submitted, sent back, recommended, reviewed,
# put on notice, objected to, made final), never updated or deleted: a city's stage is read from
# its events in order, and a step is undone only by a later event.
season_events = Table(
    "season_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("city", String(200), nullable=False),
    Column("pack", String(100), nullable=False),
    Column("action", String(30), nullable=False),
    Column("stage", String(30), nullable=False),  # the city's stage after this event
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=True),
    Column("by", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("at", String(32), nullable=False),  # UTC, ISO 8601
    Column("opinion", Text, nullable=True),
    Column("details_json", Text, nullable=False),  # reasons per item, the objector, deadlines
    Column("late", Boolean, nullable=False),
    Index("season_events_key", "year", "city"),
)

# One expert's points on one expert-scored item of a city's year, never updated: a changed score
# is a new row, and the newest by that expert for that item stands.
expert_scores = Table(
    "expert_scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pack", String(100), nullable=False),
    Column("city", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("item", String(100), nullable=False),
    Column("expert", String(200), nullable=False),
    Column("points", String(40), nullable=False),  # an exact decimal, as written
    Column("note", Text, nullable=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=True),
    Column("scored_at", String(32), nullable=False),  # UTC, ISO 8601
    Index("expert_scores_key", "pack", "city", "year"),
)

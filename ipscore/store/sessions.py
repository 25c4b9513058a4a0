"""The web server's sessions and sign-in attempts, kept in the archive's database: a session
made by one server process is honoured, and ended, by every other process sharing it.

A session is found by the SHA-256 of its token (the cookie holds the token, the table never
does). It stands while it is not ended, has been used within the idle time, is younger than
the longest a session may last, and the user's password is still the one it was made with.
Sign-in attempts are counted by name and by address: past a few failures each further one
must wait longer (`wait`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select, update

from .schema import sessions, sign_ins, web_keys

IDLE = 30 * 60  # a session unused this long has ended
LONGEST = 12 * 3600  # and none lasts longer than a working day
FREE = 5  # failures in a row before the first wait
WINDOW = 15 * 60  # failures older than this are forgotten
MOST_WAIT = 15 * 60


def fingerprint(password_hash: str) -> str:
    """What a session remembers of the password it was made with: a change ends it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    user: str
    password: str  # fingerprint


class Sessions:
    """Sessions and sign-in attempts on an archive's engine (its tables come with migrations)."""

    def __init__(self, engine: Engine, idle: float = IDLE):
        self.engine = engine
        self.idle = idle

    def signing_key(self) -> str:
        """The key that signs the server's cookies: made by the first process to ask, then the
        same for every process (and machine) sharing the database."""
        from sqlalchemy.dialects import postgresql, sqlite

        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with self.engine.begin() as conn:
            conn.execute(
                dialect.insert(web_keys)
                .values(name="cookies", value=secrets.token_hex(32))
                .on_conflict_do_nothing()
            )
            key: str = conn.execute(
                select(web_keys.c.value).where(web_keys.c.name == "cookies")
            ).scalar_one()
        return key

    def start(self, user: str, password_hash: str, address: str | None) -> str:
        """A new session for a user who has just signed in: its token, for the cookie."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions).values(
                    id=_key(token),
                    user_name=user,
                    password=fingerprint(password_hash),
                    created_at=now,
                    seen_at=now,
                    address=address,
                )
            )
        return token

    def find(self, token: str, password_of: Callable[[str], str | None]) -> Session | None:
        """The session of a token while it stands (see the module), marked as used now;
        `password_of` gives a user's password hash as it is now (None: no such user now)."""
        now = time.time()
        with self.engine.begin() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id == _key(token))).first()
            if row is None or row.ended_at is not None:
                return None
            stale = now - row.seen_at > self.idle or now - row.created_at > LONGEST
            current = password_of(row.user_name)
            changed = current is None or row.password != fingerprint(current)
            if stale or changed:
                conn.execute(update(sessions).where(sessions.c.id == row.id).values(ended_at=now))
                return None
            if now - row.seen_at > 30:  # marked used at most every half minute
                conn.execute(update(sessions).where(sessions.c.id == row.id).values(seen_at=now))
            return Session(row.user_name, row.password)

    def end(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(sessions)
                .where(sessions.c.id == _key(token), sessions.c.ended_at.is_(None))
                .values(ended_at=time.time())
            )

    def end_all(self, user: str) -> int:
        """End every session of a user (a password reset, an account closed)."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(sessions)
                .where(sessions.c.user_name == user, sessions.c.ended_at.is_(None))
                .values(ended_at=time.time())
            )
            return int(done.rowcount or 0)

    def wait(self, user: str, address: str) -> float:
        """Seconds before this name or this address may try again (0: now). The failures
        since the last success within the window count: past `FREE` of them, each further
        one doubles the wait, up to a quarter of an hour."""
        now = time.time()
        with self.engine.connect() as conn:
            worst = 0.0
            for column, value in ((sign_ins.c.user_name, user), (sign_ins.c.address, address)):
                last_ok = conn.execute(
                    select(func.max(sign_ins.c.at)).where(column == value, sign_ins.c.ok)
                ).scalar()
                since = max(now - WINDOW, last_ok or 0)
                failed = conn.execute(
                    select(func.count(), func.max(sign_ins.c.at)).where(
                        column == value, ~sign_ins.c.ok, sign_ins.c.at > since
                    )
                ).one()
                count, last = int(failed[0]), failed[1]
                if count >= FREE and last is not None:
                    delay = min(2.0 ** (count - FREE), MOST_WAIT)
                    worst = max(worst, last + delay - now)
            return max(worst, 0.0)

    def attempted(self, user: str, address: str, ok: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(sign_ins).values(user_name=user, address=address, at=time.time(), ok=ok)
            )
            # Attempts older than a day are of no use to the throttle: forgotten as new come.
            conn.execute(sign_ins.delete().where(sign_ins.c.at < time.time() - 24 * 3600))

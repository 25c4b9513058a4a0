"""Who may do what, read from a users file: `ipscore serve --users users.yaml` signs people in,
and a command given `--user NAME` acts as that person. Without a users file everyone on the
machine (the server listens on 127.0.0.1 only) may do everything. Roles: `city` (its own
city), `province` (the cities of its province), `national` (every city), `expert` (the cities
and items a season assigns it, never of its own province), `admin` (the users, no city's
record). `reviewer`, the older word, reads as `national`, or `province` where one is named.
Passwords are stored as scrypt hashes (the standard library's, no extra dependency); forms carry
a CSRF token.

Machine clients of the JSON API (`web.api`) send a token instead: the file's `tokens:` hold
each one's SHA-256 (a token is 32 random bytes, so a fast hash is enough), a role, and the city
or the province it may see."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem, display_path
from ..yamlio import line_of, load_document

# scrypt's cost: about 50 ms a password here, 16 MB of memory; stored with each hash so that a
# later, dearer cost still reads old hashes.
N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


ROLES = ("city", "province", "national", "expert", "admin")


@dataclass(frozen=True)
class User:
    name: str
    role: str  # one of ROLES
    city: str | None = None
    # A province user's province; an expert's own province, whose cities it never scores.
    province: str | None = None

    @property
    def reviewer(self) -> bool:
        """Whether the user reviews cities' files: a province's or the national office."""
        return self.role in ("province", "national")

    @property
    def national(self) -> bool:
        return self.role == "national"

    def may_see(
        self, city: str, province: str | None = None, assigned: frozenset[str] = frozenset()
    ) -> bool:
        """Whether the user may read this city's record: `province` is the one the archive
        holds for the city; `assigned`, the cities a season gives an expert."""
        if self.role == "national":
            return True
        if self.role == "province":
            return province is not None and province == self.province
        if self.role == "expert":
            return city in assigned and (province is None or province != self.province)
        return self.role == "city" and city == self.city


# Without a users file: one person at their own machine, allowed everything.
LOCAL = User("本机", "national")


@dataclass(frozen=True)
class Users:
    accounts: dict[str, tuple[str, User]]  # name → (password hash, user)
    tokens: dict[str, User] = field(default_factory=dict)  # "sha256$…" → the client

    def by_token(self, token: str) -> User | None:
        """The machine client a token belongs to, or None."""
        return self.tokens.get(token_hash(token))

    def sign_in(self, name: str, password: str) -> User | None:
        ok = password_matches(password, self.hash_of(name))
        return self.get(name) if ok else None

    def hash_if_any(self, name: str) -> str | None:
        """A user's password hash, or None where there is no such user (any more)."""
        found = self.accounts.get(name)
        return found[0] if found else None

    def hash_of(self, name: str) -> str:
        """The stored hash to check a password against; for a name that does not exist, a
        hash of a random password, so that timing does not tell names apart."""
        found = self.accounts.get(name)
        return found[0] if found else _DUMMY

    def get(self, name: str) -> User | None:
        found = self.accounts.get(name)
        return found[1] if found else None


_DUMMY = hash_password(secrets.token_hex(8))


def load_users(path: Path) -> Users:
    """users.yaml: `users: {张三: {password: "scrypt$…", role: reviewer}, 武汉: {password: …,
    role: city, city: 武汉市}}` and, for the JSON API, `tokens: {省平台: {hash: "sha256$…",
    role: reviewer, province: 湖北省}}`; every problem named with its line."""
    data, lines = load_document(path, InputError)
    name = display_path(path)
    problems: list[Problem] = []
    accounts: dict[str, tuple[str, User]] = {}
    users = data.get("users") if isinstance(data, dict) else None
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(users, dict) or not users:
        if not isinstance(tokens, dict) or not tokens:
            raise InputError(
                [
                    Problem(
                        "用户文件应写成 users: {用户名: {password: …, role: …}}",
                        "a users file is `users: {name: {password: …, role: …}}`",
                        name,
                    )
                ]
            )
        users = {}
    for user, entry in users.items():
        line = line_of(lines, ("users", user))
        found = _scope(entry, str(user), name, line, problems)
        stored = entry.get("password") if isinstance(entry, dict) else None
        if found is None:
            continue
        if not isinstance(stored, str) or not stored.startswith("scrypt$"):
            problems.append(
                Problem(
                    "password 应为 ipscore serve --hash-password 生成的散列，不能写明文",
                    "password must be a hash from ipscore serve --hash-password, never plain text",
                    name,
                    line,
                    str(user),
                )
            )
            continue
        accounts[str(user)] = (stored, found)
    by_hash: dict[str, User] = {}
    if tokens is not None and not isinstance(tokens, dict):
        problems.append(
            Problem(
                "tokens 应写成 {客户名: {hash: …, role: …}}",
                "tokens is `{client: {hash: …, role: …}}`",
                name,
                line_of(lines, ("tokens",)),
                "tokens",
            )
        )
    for client, entry in (tokens or {}).items() if isinstance(tokens, dict) else ():
        line = line_of(lines, ("tokens", client))
        found = _scope(entry, str(client), name, line, problems)
        stored = entry.get("hash") if isinstance(entry, dict) else None
        if found is None:
            continue
        if not isinstance(stored, str) or not _TOKEN_HASH.fullmatch(stored):
            problems.append(
                Problem(
                    "hash 应为 ipscore serve --new-token 打印的 sha256$…，不能写令牌本身",
                    "hash must be the sha256$… that ipscore serve --new-token prints, "
                    "never the token itself",
                    name,
                    line,
                    str(client),
                )
            )
            continue
        by_hash[stored] = found
    if problems:
        raise InputError(problems)
    return Users(accounts, by_hash)


def _scope(
    entry: object, who: str, file: str, line: int | None, problems: list[Problem]
) -> User | None:
    """The role and the city or province of a user or a token; None, with its problems noted,
    where they are not right."""
    if not isinstance(entry, dict):
        problems.append(Problem("应为一个映射", "must be a mapping", file, line, who))
        return None
    role, city, province = entry.get("role"), entry.get("city"), entry.get("province")
    if role == "reviewer":  # the older word: the national office, or a province's office
        role = "national" if province is None else "province"
    if role not in ROLES:
        problems.append(
            Problem(
                "role 应为 city、province、national、expert 或 admin",
                "role must be city, province, national, expert or admin",
                file,
                line,
                who,
            )
        )
        return None
    if role == "city" and not isinstance(city, str):
        problems.append(
            Problem("city 用户要写 city（城市名）", "a city user needs `city`", file, line, who)
        )
        return None
    if role in ("province", "expert") and not isinstance(province, str):
        problems.append(
            Problem(
                f"{role} 用户要写 province（省份名）",
                f"a {role} user needs `province` (a province's name)",
                file,
                line,
                who,
            )
        )
        return None
    if province is not None and role not in ("province", "expert"):
        problems.append(
            Problem(
                "province（省份名）只用于 province 与 expert 用户",
                "province (a province's name) is for a province or an expert user only",
                file,
                line,
                who,
            )
        )
        return None
    return User(who, str(role), city if role == "city" else None, province)


_TOKEN_HASH = re.compile(r"sha256\$[0-9a-f]{64}")


def token_hash(token: str) -> str:
    """What the users file keeps of a token."""
    return "sha256$" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    # As bytes: a token typed with any character is a mismatch, never an error.
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())

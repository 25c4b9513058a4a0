"""Whose cities a user may see, and what its role may do: the one place the command line, the
pages and the JSON API ask. A city belongs to the provinces the archive holds for it (its
stored `city.province`, every version), never to the one a new file claims; a file's claim
counts only for a city the archive does not hold. An expert sees the cities the year's standing
season file assigns it, never one of its own province. Outside the scope is `OutOfScope`: the
command line's exit 2, the web's 403."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..errors import IpscoreError, Problem
from ..regions import full_name
from .people import User
from .quotas import within

if TYPE_CHECKING:
    from ..record.publish import Published
    from ..store.archive import Archive

T = TypeVar("T")


class OutOfScope(IpscoreError):
    """A city, or a kind of work, this user may not see or do."""


# What each role may do beside reading: the table README and docs/architecture.md show.
# "read" is a city's record within the scope (list, show, diff, replay, history, verify to see,
# assess and its kin reading other years); the rest are named by what they do.
MAY: dict[str, frozenset[str]] = {
    "read": frozenset({"city", "province", "national", "expert"}),
    "review": frozenset({"province", "national"}),
    "store": frozenset({"city", "province", "national"}),  # a city its own self-assessment
    "verify": frozenset({"province", "national"}),
    "publish": frozenset({"province", "national"}),
    "export": frozenset({"national"}),
    "import": frozenset({"national"}),
    "reassess": frozenset({"national"}),
    "users": frozenset({"admin"}),
    "open": frozenset({"national"}),
    "score": frozenset({"expert"}),
    "apply_scores": frozenset({"national"}),
}

ROLE_WORDS = {
    "city": ("城市用户", "a city user"),
    "province": ("省局用户", "a province user"),
    "national": ("国家局用户", "a national user"),
    "expert": ("专家", "an expert"),
    "admin": ("管理员", "an admin"),
}

_ACTION_WORDS = {
    "read": ("查看城市的记录", "read a city's record"),
    "review": ("做三年复核", "run the three-year review"),
    "store": ("存档", "store files in the archive"),
    "verify": ("核验佐证材料", "check supporting documents"),
    "publish": ("生成公布名单", "make the published list"),
    "export": ("导出整个归档", "export the whole archive"),
    "import": ("导入归档", "import into the archive"),
    "open": ("开启考核年度", "open a season"),
    "score": ("给城市评分", "score a city"),
    "apply_scores": ("存入专家评分汇总", "store the experts' aggregate"),
    "reassess": ("按新规则包重新评估归档", "reassess the archive under a new pack"),
    "users": ("查看用户名单", "see the users"),
}


def provinces(archive: Archive, cities: Collection[str] | None = None) -> dict[str, frozenset[str]]:
    """Each city's provinces as its stored figures say (`city.province`, every version)."""
    from sqlalchemy import select

    from ..store.schema import figures

    query = select(figures.c.city, figures.c.value).where(figures.c.field == "city.province")
    if cities is not None:
        query = query.where(figures.c.city.in_(sorted(set(cities))))
    found: dict[str, set[str]] = {}
    with archive.connected() as conn:
        for city, province in conn.execute(query.distinct()):
            found.setdefault(city, set()).add(province)
    return {city: frozenset(held) for city, held in found.items()}


def assigned_cities(archive: Archive, expert: str, year: int | None = None) -> frozenset[str]:
    """The cities the standing season file of `year` (of every year, without one) assigns to
    `expert`."""
    from ..store.seasons import season_years, standing_season
    from .seasonfile import stored_season

    cities: set[str] = set()
    for one in [year] if year is not None else season_years(archive):
        row = standing_season(archive, one)
        if row is not None:
            found = stored_season(row.document, row.file).experts.get(expert)
            cities.update(found.cities if found else ())
    return frozenset(cities)


@dataclass
class Scope:
    """A user's scope over an archive (None: an archive not made yet, which holds no city)."""

    user: User
    archive: Archive | None
    _provinces: dict[str, frozenset[str]] = field(default_factory=dict)
    _every: bool = False  # every city's provinces read
    _assigned: dict[int | None, frozenset[str]] = field(default_factory=dict)

    @property
    def everything(self) -> bool:
        return self.user.national

    def allow(self, action: str) -> None:
        """Refuse a kind of work this user's role does not do (`MAY`)."""
        if self.user.role in MAY[action]:
            return
        who = who_words(self.user)
        can = [ROLE_WORDS[r] for r in ("city", "province", "national", "expert", "admin")
               if r in MAY[action]]  # fmt: skip
        zh, en = _ACTION_WORDS[action]
        raise OutOfScope(
            [
                Problem(
                    f"{who[0]}不能{zh}（只有{'、'.join(w[0] for w in can)}可以）",
                    f"{who[1]} may not {en} (only {', '.join(w[1] for w in can)})",
                )
            ]
        )

    def provinces_of(self, city: str) -> frozenset[str]:
        """The provinces the archive holds for a city (none where it holds no province)."""
        if city not in self._provinces and not self._every and self.archive is not None:
            self._provinces.update(provinces(self.archive, [city]))
            self._provinces.setdefault(city, frozenset())
        return self._provinces.get(city, frozenset())

    def assigned(self, year: int | None) -> frozenset[str]:
        if year not in self._assigned:
            self._assigned[year] = (
                frozenset()
                if self.archive is None
                else assigned_cities(self.archive, self.user.name, year)
            )
        return self._assigned[year]

    def sees(self, city: str, year: int | None = None, claimed: str | None = None) -> bool:
        """Whether the user may see this city (in this year, for an expert); `claimed`, the
        province a file says, counts only where the archive holds none."""
        if self.everything:
            return True
        held = self.provinces_of(city) or frozenset({claimed} if claimed else ())
        assigned = self.assigned(year) if self.user.role == "expert" else frozenset()
        if not held:
            return self.user.may_see(city, None, assigned)
        return all(self.user.may_see(city, p, assigned) for p in held)

    def check(self, city: str, year: int | None = None, claimed: str | None = None) -> None:
        """Refuse a city outside the scope, saying whose it is and whose the user's are."""
        self.allow("read")
        if not self.sees(city, year, claimed):
            raise OutOfScope([self._refusal(city, year, claimed)])

    def seen(
        self,
        items: Iterable[T],
        city: Callable[[T], str] = attrgetter("city"),
        year: Callable[[T], int | None] = lambda item: getattr(item, "year", None),
        claimed: Callable[[T], str | None] = lambda _: None,
    ) -> list[T]:
        """The items (stored records, a listing's rows, a batch's results with the province
        each `claimed`) of the cities the user may see."""
        self.allow("read")
        listed = list(items)
        if self.everything:
            return listed
        if not self._every and self.archive is not None and len(listed) > 1:
            self._provinces = dict(provinces(self.archive))
            self._every = True
        return [item for item in listed if self.sees(city(item), year(item), claimed(item))]

    def listed(self, found: Published) -> Published:
        """The published list of the cities the user may see, each ranked as in the whole."""
        if self.everything:
            return found
        tiers = [replace(t, cities=tuple(self.seen(t.cities, year=lambda _: found.year)))
                 for t in found.tiers]  # fmt: skip
        cuts = (within(c, lambda city: self.sees(city, found.year)) for c in found.cuts)
        return replace(
            found, tiers=tuple(t for t in tiers if t.cities), cuts=tuple(c for c in cuts if c)
        )

    def check_files(self, paths: Sequence[str | Path], pack_id: str | None) -> None:
        """Refuse files about a city outside the scope, before anything of the archive is read
        for them (other years' figures would tell that city's record). Each file's problems,
        if any, are left to the reading that follows."""
        from ..intake.files import read_each

        self.allow("read")
        if self.everything:
            return
        read, _ = read_each(paths, pack_id, any_year=True)
        refused = []
        for _, submission in read:
            claimed = submission.values.get("city.province")
            claim = str(claimed) if claimed is not None else None
            if not self.sees(submission.city, submission.year, claim):
                refused.append(self._refusal(submission.city, submission.year, claim))
        if refused:
            raise OutOfScope(refused)

    def _refusal(self, city: str, year: int | None, claimed: str | None) -> Problem:
        held = self.provinces_of(city) or frozenset({claimed} if claimed else ())
        return refusal(self.user, city, year, held)


def refusal(user: User, city: str, year: int | None, held: frozenset[str]) -> Problem:
    """Why `user` may not see `city` (of the provinces `held`), in words."""
    if user.role == "city":
        meant = full_name(city, [user.city or ""])  # 武汉 typed for 武汉市
        return Problem(
            f"{user.city}的用户只能查看本市的记录，不能查看{city}的"
            + (f"，是否想写 {meant}？" if meant else ""),
            f"a user of {user.city} sees its own city's record only, not {city}'s"
            + (f"; did you mean {meant}?" if meant else ""),
        )
    if user.role == "expert":
        if user.province in held:
            return Problem(
                f"专家{user.name}不评审本省（{user.province}）的城市（{city}）",
                f"expert {user.name} never scores a city of its own province "
                f"({user.province}): {city}",
            )
        when = f"{year}年度" if year else ""
        return Problem(
            f"专家{user.name}没有被分配{when}评审{city}",
            f"expert {user.name} is not assigned {city}" + (f" for {year}" if year else ""),
        )
    if user.province is None:  # an admin, who reads no city's record
        zh, en = who_words(user)
        return Problem(f"{zh}不查看城市的记录（{city}）", f"{en} reads no city's record ({city})")
    others = sorted(held - {user.province or ""})
    if not others:
        return Problem(
            f"{user.province}的用户只能查看{user.province}的城市；归档中没有{city}所属的省份",
            f"a user of {user.province} sees its province's cities only; the archive holds "
            f"no province for {city}",
        )
    return Problem(
        f"{user.province}的用户不能查看{'、'.join(others)}的城市（{city}）",
        f"a user of {user.province} may not see a city of {', '.join(others)} ({city})",
    )


def who_words(user: User) -> tuple[str, str]:
    zh, en = ROLE_WORDS[user.role]
    where = user.city or user.province
    return (f"{zh}（{where}）", f"{en} ({where})") if where else (zh, en)


def about(user: User) -> dict[str, str]:
    """A user as the admin's page lists it: name, role and scope, never a hash."""
    scope = {
        "city": user.city or "",
        "province": f"{user.province}的城市",
        "national": "全部城市",
        "expert": f"年度考核文件分配的城市（不含{user.province}的）",
        "admin": "用户名单（不查看城市）",
    }[user.role]
    return {"name": user.name, "role": user.role, "role_words": ROLE_WORDS[user.role][0],
            "scope": scope}  # fmt: skip

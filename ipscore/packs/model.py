"""The rule-pack model: what a pack declares, validated when it is loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from ..text import pick
from .base import ID_PATTERN, Citation, Source, Strict
from .conditions import Condition, in_year, split_year
from .experts import ExpertPart
from .identity import per_pack
from .index import IndexSpec
from .points import Part, Points, Sheet, Veto
from .quotas import Quota

FieldType = Literal["bool", "count", "amount", "ratio", "date", "enum", "text"]
NUMERIC = ("count", "amount", "ratio")
SCALED = ("amount", "ratio")  # numbers with decimals, sent to the engine as scaled integers


class CityDefault(Strict):
    """A profile default that depends on the city, e.g. the pilot-zone cities the plan names."""

    cities: list[str]
    value: Any


class FieldDecl(Strict):
    type: FieldType
    label: str
    label_en: str
    unit: str | None = None
    unit_en: str | None = None
    help: str | None = None
    help_en: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    decimals: int = Field(default=0, ge=0, le=6)
    values: dict[str, str] | None = None
    values_en: dict[str, str] | None = None
    required: bool = False
    default: Any = None
    default_for: CityDefault | None = None
    # A date that only makes sense inside the assessment year (an event of that year).
    within_year: bool = False
    # "baseline" fields (last year's value, the number of counties) are not achievements:
    # raising them may rightly lower a score. "reference" fields hold outside figures such as
    # national averages.
    role: Literal["achievement", "baseline", "profile", "reference"] = "achievement"
    # A ratio is computed, never submitted: of[0] / of[1] × times − minus, rounded down to
    # `decimals`; growth in per cent is times 100, minus 100. Absent if an input is absent or
    # the divisor is zero.
    of: list[str] | None = Field(default=None, min_length=2, max_length=2)
    times: Decimal = Decimal(1)
    minus: Decimal = Decimal(0)
    # The names a text field may take, each with the other ways offices write it ({吉林省:
    # [吉林]}): one is stored as its name, so one place is one place; anything else is refused
    # with the nearest name offered, not silently matched by no rule.
    names: dict[str, list[str]] | None = None

    def spellings(self) -> dict[str, str]:
        """Each way of writing a name (`names`) → the name."""
        out = {}
        for name, others in (self.names or {}).items():
            out.update({name: name, **dict.fromkeys(others, name)})
        return out

    # An older name for another year's figure (`applications_2009` for `applications@2009`):
    # a figure typed under it is that figure, and is used before the one on record.
    same_as: str | None = None


def years_of(period: str) -> range:
    """The years of a period written 2008..2010."""
    first, _, last = period.partition("..")
    return range(int(first), int(last) + 1)


class Requirement(Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["required", "advisory"]
    title: str
    title_en: str | None = None
    # Raw YAML while validating, a parsed Condition once the loader has checked it. An item
    # of a points sheet may leave it out: it is then "earns its full 分值" (packs/points.py).
    check: Condition | Any = None
    applies_if: Condition | Any = None
    expected: str | None = None
    expected_en: str | None = None
    weight: Decimal | None = None
    interpretive: str | None = None
    interpretive_en: str | None = None
    remedy: str
    remedy_en: str | None = None
    citation: Citation
    # Optional effort of meeting this requirement, in any unit the pack chooses: with costs,
    # `ipscore plan` finds the least-cost plan instead of the one with fewest actions.
    cost: Decimal | None = Field(default=None, ge=0)
    deadline: dt.date | str | None = None
    # Hold in every year of a period ("2008..2010": met only if met in each, unmet if unmet in
    # any, else missing) or in any one of them; plain fields in the check are that year's.
    each_year: str | None = Field(default=None, pattern=r"^\d{4}\.\.\d{4}$")
    any_year: str | None = Field(default=None, pattern=r"^\d{4}\.\.\d{4}$")
    responsible: list[str] = []
    cooperating: list[str] = []
    # An item of a points sheet (scoring.method: points): its 分值, 评分标准 and parts.
    points: Points | None = None


class Task(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    section: str
    requirements: list[Requirement] = Field(min_length=1)


class MandatoryRule(Strict):
    when: Condition | Any
    tasks: list[str] = Field(min_length=1)
    label: str


class GradeBand(Strict):
    code: str
    label: str
    label_en: str
    min_score: Decimal | None = None
    mandatory_complete: bool = False


class Weights(Strict):
    mandatory: Decimal = Decimal(2)
    optional: Decimal = Decimal(1)


class RequirementWeights(Strict):
    required: Decimal = Decimal(1)
    advisory: Decimal = Decimal("0.5")


class VerificationPolicy(Strict):
    """How the score "as verified" counts a requirement met as declared whose documents no
    reviewer has checked yet (or that has none): as met, or as unmet. A rejected one is always
    unmet, a verified one always met."""

    unverified: Literal["counts", "unmet"] = "counts"
    note: str | None = None
    note_en: str | None = None


class Scoring(Strict):
    task_weight: Weights = Weights()
    requirement_weight: RequirementWeights = RequirementWeights()
    decimals: int = Field(default=1, ge=0, le=4)
    grades: list[GradeBand] = Field(min_length=1)
    note: str
    note_en: str | None = None
    verification: VerificationPolicy = VerificationPolicy()
    # `weighted`: the share of requirements met (the 2015 plan's way); `points`: a score sheet,
    # each requirement an item worth points (packs/points.py), added up from `sheet.start`.
    method: Literal["weighted", "points"] = "weighted"
    sheet: Sheet = Sheet()
    vetoes: list[Veto] = []


class Subject(Strict):
    """Who a pack assesses, in the words its reports use: most packs assess demonstration
    cities; the north-east opinions address provinces and regions."""

    title: str = "示范城市"  # in report titles: 示范城市年度评估报告
    noun: str = "城市"  # in column heads and counts: 城市, 5个城市
    title_en: str = "demonstration city"
    noun_en: str = "city"
    plural_en: str = "cities"


class NotEncoded(Strict):
    """Part of the source the pack does not encode, and why (a text cut off, a rule no figure
    can check): listed so that a reader knows the sheet is not whole."""

    item: str
    reason: str
    reason_en: str | None = None


class Revision(Strict):
    """One version of the pack and why it changed from the one before (the reason is printed
    where the pack's method is stated)."""

    version: str
    reason: str
    reason_en: str


class PackInfo(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    title: str
    title_en: str
    year: int
    # The years whose figures the pack may read ("2007..2010"); by default its year alone.
    period: str | None = Field(default=None, pattern=r"^\d{4}\.\.\d{4}$")
    sources: list[Source] = Field(min_length=1)
    description: str | None = None
    subject: Subject = Subject()
    not_encoded: list[NotEncoded] = []
    # Earlier versions' changes, newest first; left empty, the pack's hash is as before.
    revisions: list[Revision] = []


class PlausibilityCheck(Strict):
    """A combination of figures that is possible but suspicious: reported, never fatal."""

    id: str = Field(pattern=ID_PATTERN)
    when: Condition | Any
    message: str
    message_en: str


class Amendment(Strict):
    """One change an amending pack made to the pack it extends, with the amending text."""

    change: Literal["set", "add", "replace", "drop", "add_task", "mandatory"]
    target: str
    citation: Citation
    value: Any = None


class Pack(Strict):
    # An assessment pack scores each city against requirements; an index pack (packs/index.py)
    # also checks each city's figures, then ranks the cohort on a composite index.
    kind: Literal["assessment", "index"] = "assessment"
    pack: PackInfo
    fields: dict[str, dict[str, FieldDecl]]
    tasks: list[Task] = Field(min_length=1)
    mandatory: list[MandatoryRule] = []
    plausibility: list[PlausibilityCheck] = []
    scoring: Scoring
    # An amending pack: the pack it extends and what it changed (see packs/amend.py).
    extends: str | None = None
    amendments: list[Amendment] = []
    index: IndexSpec | None = None
    # Caps on how many cities get a grade (only where a source states one); a season file's
    # quotas add to these. Left empty, the pack's content hash is as before.
    quotas: list[Quota] = []
    # Items scored by experts (packs/experts.py): each one's aggregate fills a field.
    experts: ExpertPart | None = None
    # The document it was built from, with its hash then (packs/document.py): what the
    # archive stores so that a result can be replayed. A copy changed since has another hash.
    _document: tuple[str, dict[str, Any], dict[str, Any]] | None = PrivateAttr(default=None)

    @property
    def id(self) -> str:
        return self.pack.id

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical form: two packs with one id and version but different
        rules differ here."""
        from .identity import content_hash

        return content_hash(self)

    def field(self, name: str) -> FieldDecl:
        """The declaration of a field, also when it is named in another year (`x.y@2014`)."""
        decl = _by_name(self).get(name)
        if decl is None:  # another year's figure, or no such field (a KeyError, as before)
            group, _, key = name.partition("@")[0].partition(".")
            return self.fields[group][key]
        return decl

    def ratio_inputs(self, name: str) -> list[str]:
        """A computed ratio's numerator and divisor, in the ratio's own year; [] for a field
        that is not a ratio."""
        decl = self.field(name)
        if decl.type != "ratio" or not decl.of:
            return []
        year = split_year(name)[1]
        return [in_year(f, year) for f in decl.of]

    def filed_as(self, name: str) -> str:
        """The figure a city files for `name`: for `x_prev` of an earlier year, `x` of the year
        before that (the assessed year's own `x_prev` is a field of the form); for another
        year's figure the form names (`same_as`), that field."""
        named = {target: alias for alias, target in self.aliases().items()}.get(name)
        if named is not None:
            return named
        base, year = split_year(name)
        twin = self.previous_pairs().get(base)
        if twin is None or year is None:
            return name
        return in_year(twin, year - 1)

    def previous_pairs(self) -> dict[str, str]:
        """`x_prev` → `x` for each numeric field declared with its `_prev` twin: the 2015
        contract's last-year figures, which mean `x` of the year before. Worked out once per
        pack (assessing reads it for every city)."""
        return _previous_pairs(self)

    def aliases(self) -> dict[str, str]:
        """Field → the other year's figure it is another name for (`same_as`)."""
        return _aliases(self)

    def years(self) -> range:
        """The years whose figures the pack may read."""
        return (
            years_of(self.pack.period)
            if self.pack.period
            else range(self.pack.year, self.pack.year + 1)
        )

    def field_names(self) -> list[str]:
        return [f"{group}.{key}" for group, decls in self.fields.items() for key in decls]

    def requirements(self) -> list[tuple[Task, Requirement]]:
        return [(task, req) for task in self.tasks for req in task.requirements]

    def conditions(self) -> list[Condition]:
        """Every condition the pack's rules read: checks, applicability, mandatory sets and
        plausibility checks."""
        out = [c for _, r in self.requirements() for c in (r.check, r.applies_if) if c]
        out += [b.when for _, r in self.requirements() for part in parts_of(r) for b in part.bands]
        out += [v.when for v in self.scoring.vetoes]
        return out + [m.when for m in self.mandatory] + [p.when for p in self.plausibility]

    @property
    def is_sheet(self) -> bool:
        """Scored as a points sheet (scoring.method: points)."""
        return self.scoring.method == "points"

    def requirement(self, req_id: str) -> Requirement:
        return next(req for _, req in self.requirements() if req.id == req_id)

    def grade_label(self, code: str, lang: str) -> str:
        """A grade's word in the reader's language (Excellent for 优秀); the code if unknown."""
        band = next((b for b in self.scoring.grades if b.code == code), None)
        return pick(lang, band.label, band.label_en) if band else code


@per_pack
def _by_name(pack: Pack) -> dict[str, FieldDecl]:
    """Every field's declaration by its dotted name (a city's data asks for them by the
    hundred)."""
    return {f"{g}.{k}": decl for g, decls in pack.fields.items() for k, decl in decls.items()}


@per_pack
def _aliases(pack: Pack) -> dict[str, str]:
    return {
        f"{group}.{key}": decl.same_as
        for group, decls in pack.fields.items()
        for key, decl in decls.items()
        if decl.same_as
    }


@per_pack
def _previous_pairs(pack: Pack) -> dict[str, str]:
    names = pack.field_names()
    return {
        name: name.removesuffix("_prev")
        for name in names
        if name.endswith("_prev")
        and name.removesuffix("_prev") in names
        and pack.field(name).type in NUMERIC
        and pack.field(name).type == pack.field(name.removesuffix("_prev")).type
    }


def parts_of(req: Requirement) -> list[Part]:
    """An item's parts; none for a requirement that is not an item of a points sheet."""
    return req.points.parts if req.points is not None else []

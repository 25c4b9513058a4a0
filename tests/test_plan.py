"""`plan`: the actions reach the target, and no smaller set of actions would (brute force)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

from ipscore import assess, find_pack
from ipscore.intake.files import read_all
from ipscore.intake.submission import Submission, parse_submission
from ipscore.intake.values import derive
from ipscore.packcheck.cases import load_cases
from ipscore.questions.plan import least_work

from .conftest import ROOT, SCENARIOS

PACK = find_pack("cnipa-2015-demo-city")
RANK = {b.code: i for i, b in enumerate(PACK.scoring.grades)}
BASE = load_cases(ROOT / "rules" / "tests" / "cnipa-2015-demo-city.yaml")["base"]

# Fields to undo, and the value that does the work again.
UNDONE = {
    "quality.patent_award": (False, True),
    "design.trainings": (0, 1),
    "design.competitions": (0, 1),
    "navigation.alliances": (0, 1),
    "services.info_orgs": (0, 1),
    "services.litigation_firms": (0, 1),
    "talent.operation_staff": (0, 1),
    "standard.firms_compliant": (2, 5),
    "info.policy": (False, True),
}


def _undone(fields) -> Submission:
    data = {"city": dict(BASE["city"]), "facts": {g: dict(v) for g, v in BASE["facts"].items()}}
    for name in fields:
        group, key = name.split(".")
        data["facts"][group][key] = UNDONE[name][0]
    return parse_submission(data, PACK, "case.yaml", {})


def _reaches(submission: Submission, changes: dict, target: str) -> bool:
    values = {**submission.values, **changes}
    derive(PACK, values)
    result = assess(PACK, Submission(PACK.id, 2015, values, "x"))
    return RANK[result.grade] <= RANK[target]


@pytest.mark.parametrize(
    "fields, target",
    [
        (["quality.patent_award", "design.trainings", "design.competitions"], "excellent"),
        (list(UNDONE), "excellent"),
        (list(UNDONE), "good"),
        (
            [
                "services.info_orgs",
                "services.litigation_firms",
                "navigation.alliances",
                "design.trainings",
            ],
            "excellent",
        ),
    ],
)
def test_plan_reaches_the_target_and_is_minimal(fields, target):
    submission = _undone(fields)
    plan = least_work(PACK, submission, target)
    assert plan.reachable
    actions = {a.field: a.value for a in plan.actions}
    assert _reaches(submission, actions, target)
    for action in plan.actions:  # the least value that suffices
        assert action.value == UNDONE[action.field][1]
    for size in range(len(actions)):
        for subset in itertools.combinations(fields, size):
            assert not _reaches(submission, {f: UNDONE[f][1] for f in subset}, target), subset


def test_one_action_meeting_two_requirements_counts_once():
    plan = least_work(PACK, _undone(["services.info_orgs"]), "excellent")
    assert [(a.field, a.value, a.requirements) for a in plan.actions] == [
        ("services.info_orgs", 1, ("T6.R1", "T9.R1"))
    ]


def test_scenario_plans():
    ((pack, xiangtan),) = read_all([SCENARIOS / "xiangtan-2015.yaml"])
    plan = least_work(pack, xiangtan, "excellent")
    # 87.96 needs 1.99 more points: any one design requirement gives 100 / 3 / 15 = 2.22.
    assert len(plan.actions) == 1 and plan.actions[0].field.startswith("design.")
    assert plan.to_dict()["score_after"] == 90.2 and plan.to_dict()["grade_after"] == "excellent"
    assert least_work(pack, xiangtan, "good").actions == ()
    ((_, wuhan),) = read_all([SCENARIOS / "wuhan-2015.yaml"])
    plan = least_work(pack, wuhan, "pass")
    assert [(a.field, a.value) for a in plan.actions] == [
        ("finance.pledge_amount", Decimal("7800"))
    ]


def test_unreachable_target_says_why():
    ((pack, chaoyang),) = read_all([SCENARIOS / "chaoyang-2015.json"])
    plan = least_work(pack, chaoyang, "pass")
    assert not plan.reachable
    # Not reported, T4.R3 (last year's insured firms) and T5.R4 are to be reported first, as
    # page one's 请补报 says: a plan is made over what the city reported, never by guessing.
    assert plan.reason == "必做要求 T4.R3、T5.R4 缺报：请先补报，补报后才能判定还要做什么"
    assert plan.unreported == ("T4.R3", "T5.R4")


def test_a_city_with_nothing_done():
    facts = {
        group: {
            key: (False if PACK.field(f"{group}.{key}").type == "bool" else 0)
            for key in members
            if PACK.field(f"{group}.{key}").role == "achievement"
            and PACK.field(f"{group}.{key}").type in ("bool", "count", "amount")
        }
        for group, members in BASE["facts"].items()
    }
    facts["plan"].update(issued_on="2015-06-30", issuer="government")
    facts["finance"].update(
        pledge_started_before=True, insurance_started_before=False, pledge_amount_prev=100
    )
    facts["enforcement"]["cases_handled_prev"] = 100
    facts["services"]["output_value_prev"] = 100
    submission = parse_submission({"city": BASE["city"], "facts": facts}, PACK, "none.yaml", {})
    plan = least_work(PACK, submission, "excellent")
    assert plan.reachable and plan.after.grade == "excellent"
    assert assess(PACK, submission).grade == "fail"


def test_costs_make_a_least_cost_plan():
    ((pack, xiangtan),) = read_all([SCENARIOS / "xiangtan-2015.yaml"])
    costly = pack.model_copy(
        update={
            "tasks": [
                t.model_copy(
                    update={
                        "requirements": [
                            r.model_copy(update={"cost": Decimal(10 if t.id == "T8" else 1)})
                            for r in t.requirements
                        ]
                    }
                )
                for t in pack.tasks
            ]
        }
    )
    plan = least_work(costly, xiangtan, "excellent")
    assert len(plan.actions) == 2
    assert not any(a.field.startswith("design.") for a in plan.actions)


def test_cli_plan_json():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipscore",
            "plan",
            "scenarios/shenzhen-2015.yaml",
            "--target",
            "good",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    data = json.loads(done.stdout)
    assert data["target"] == "good" and data["reachable"] is True
    assert data["grade_after"] == "good" and data["score_after"] == 76.3
    assert len(data["actions"]) == 5
    assert {"field": "services.info_orgs", "value": 1, "requirements": ["T6.R1", "T9.R1"]} in (
        data["actions"]
    )


def test_plan_raises_a_count_to_lift_a_ratio_over_the_national_figure():
    ((pack, liaoning),) = read_all([SCENARIOS / "northeast-2017-opinions" / "liaoning-2017.yaml"])
    plan = least_work(pack, liaoning, "good")
    # 70.4 → 良好 needs 4.6 more points. G1.R1 (patent growth above 13.5%) is worth half of one
    # of eight groups, 6.25 points: growth above 13.5% over 54,500 needs more than
    # 54500 × 1.135 = 61,857.5 patents, so 61,858; score 100 × (169/30 + 1/2) / 8 = 76.66… → 76.7.
    assert [(a.field, a.value, a.requirements) for a in plan.actions] == [
        ("patents.owned", 61858, ("G1.R1",))
    ]
    assert plan.to_dict()["score_after"] == 76.7
    one_less = {**liaoning.values, "patents.owned": 61857}
    derive(pack, one_less)
    assert one_less["patents.growth"] < Fraction("13.5")


def test_the_plan_and_page_one_agree_on_a_city_with_unreported_items():
    # Xuancheng 2020 (86.3, 良好): X19.R1 is not reported. Page one lists it under 请补报 and
    # plans 优秀 over what was reported: X06.R1 (one review-pilot project) and X15.R2 (the
    # monitoring platform) → 90.2. `plan --target excellent` says the same, X19.R1 apart.
    from ipscore.views.pageone import page_one

    ((pack, xuancheng),) = read_all(
        [SCENARIOS / "xuancheng-2019-strong-city" / "xuancheng-2020.yaml"]
    )
    plan = least_work(pack, xuancheng, "excellent")
    page = page_one(assess(pack, xuancheng))
    assert page.plan is not None
    for p in (plan, page.plan):
        assert [(a.field, a.value) for a in p.actions] == [
            ("evaluation.pilot_projects", 1),
            ("platforms.monitoring_platform", True),
        ]
        assert p.after is not None and (p.after.score, p.after.grade) == (
            Decimal("90.2"),
            "excellent",
        )
        assert p.unreported == ("X19.R1",)
    assert [item.requirement.id for item in page.to_fill] == ["X19.R1"]
    assert plan.to_dict()["unreported"] == ["X19.R1"]

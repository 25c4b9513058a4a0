"""The four verdicts a requirement can have (public contract: cnipa-2015.md)."""

MET, UNMET, MISSING, NOT_APPLICABLE = "met", "unmet", "missing", "not_applicable"

LABELS = {
    "zh": {MET: "达到", UNMET: "未达到", MISSING: "缺报", NOT_APPLICABLE: "不适用"},
    "en": {MET: "met", UNMET: "unmet", MISSING: "missing", NOT_APPLICABLE: "n/a"},
}

TASK_LABELS = {
    "zh": {"complete": "完成", "incomplete": "未完成", "insufficient_data": "数据不全"},
    "en": {
        "complete": "complete",
        "incomplete": "incomplete",
        "insufficient_data": "insufficient data",
    },
}

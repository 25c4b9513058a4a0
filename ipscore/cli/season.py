"""`ipscore season`: one year's assessment run in stages by many hands."""

from __future__ import annotations

import click


@click.group("season")
def season_group() -> None:
    """按阶段办理一个年度的考核：城市自评提交、省局初审、国家局复核、专家评分、公示、定稿。"""

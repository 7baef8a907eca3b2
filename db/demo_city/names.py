"""Names the demo city uses: plausible 思明区 streets, communities, roads and people.

Kept apart from the generators so a translator or a site can read them at a glance; nothing here is
random, the generators pick from these lists with their own seeded generators.
"""

from __future__ import annotations

DISTRICT_CODE = "350203"
DISTRICT_NAME = "思明区"

# (street name, its five communities)
STREETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("中华街道", ("仁安社区", "中山社区", "大同社区", "华新社区", "古城社区")),
    ("鹭江街道", ("镇海社区", "升平社区", "和平社区", "海岸社区", "大元社区")),
    ("厦港街道", ("沙坡尾社区", "福海社区", "大学社区", "巡司顶社区", "碧山社区")),
)

ROADS: tuple[str, ...] = (
    "中山路",
    "思明南路",
    "思明北路",
    "镇海路",
    "大同路",
    "开禾路",
    "鹭江道",
    "厦禾路",
    "公园南路",
    "大学路",
    "演武路",
    "民族路",
    "蜂巢山路",
    "顶澳仔",
    "新华路",
    "斗西路",
    "局口街",
    "升平路",
    "海后路",
    "霞溪路",
    "古营路",
    "深田路",
    "南华路",
    "华新路",
    "湖滨南路",
    "禾祥西路",
    "民生路",
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余叶杜苏"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志鹏晓燕文辉海峰思源嘉怡子涵雨欣"

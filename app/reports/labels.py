"""The report's words in both languages (`--lang zh_CN|en`): metric, grouping and source names.

A report is a file sent on, not a window, so its language is chosen per report, not by the UI's
translator; the Chinese names are the ones centers publish (docs/DOMAIN.md "Metrics")."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh_CN", "en"]
LANGS: tuple[Lang, ...] = ("zh_CN", "en")

METRICS: dict[str, tuple[str, str]] = {
    "key": ("编码", "Code"),
    "name": ("名称", "Name"),
    "reported": ("上报数", "Reported"),
    "registered": ("立案数", "Registered"),
    "self_handled": ("自行处置数", "Self-handled"),
    "to_handle": ("应处置数", "To handle"),
    "handled": ("处置数", "Handled"),
    "handled_on_time": ("按期处置数", "Handled on time"),
    "handle_rate": ("处置率", "Handling rate"),
    "handle_on_time_rate": ("按期处置率", "On-time handling"),
    "due_to_close": ("应结案数", "Due to close"),
    "closed": ("结案数", "Closed"),
    "closed_on_time": ("按期结案数", "Closed on time"),
    "close_rate": ("结案率", "Closing rate"),
    "close_on_time_rate": ("按期结案率", "On-time closing"),
    "reworks": ("返工数", "Reworks"),
    "rework_rate": ("返工率", "Rework rate"),
    "extended": ("延期数", "Extended"),
    "extension_rate": ("延期率", "Extension rate"),
    "overdue_open": ("超期待处置数", "Open past deadline"),
    "overdue_rate": ("超期待处置率", "Open-past-deadline rate"),
    "late": ("超期数", "Late"),
    "rated": ("评价数", "Ratings"),
    "satisfied": ("满意数", "Satisfied"),
    "satisfaction_rate": ("满意率", "Satisfaction"),
    "score": ("综合得分", "Score"),
    "grade": ("等级", "Grade"),
    # grid workers
    "username": ("账号", "User"),
    "reports": ("上报数", "Reports"),
    "valid_reports": ("有效上报数", "Valid reports"),
    "valid_rate": ("有效上报率", "Valid-report rate"),
    "verified": ("核实数", "Verified"),
    "verified_on_time": ("按时核实数", "Verified on time"),
    "verify_on_time_rate": ("按时核实率", "On-time verify"),
    "checked": ("核查数", "Checked"),
    "checked_on_time": ("按时核查数", "Checked on time"),
    "check_on_time_rate": ("按时核查率", "On-time check"),
    "days_on": ("出勤天数", "Days on duty"),
    "working_days": ("工作日", "Working days"),
    "attendance_rate": ("出勤率", "Attendance"),
    "late_clock": ("迟到", "Late"),
    "early_leave": ("早退", "Early leave"),
    "outside": ("围栏外打卡", "Outside the fence"),
    # days
    "day": ("日期", "Day"),
    "closed_day": ("结案数", "Closed"),
}
GROUPS: dict[str, tuple[str, str]] = {
    "department": ("部门", "Departments"),
    "street": ("街道", "Streets"),
    "grid": ("网格", "Grids"),
    "source": ("来源", "Sources"),
    "category": ("类别", "Categories"),
    "level": ("层级", "Levels"),
    "center": ("中心", "Centers"),
    "worker": ("网格员", "Grid workers"),
    "days": ("每日", "Daily"),
    "summary": ("概况", "Summary"),
}
SOURCES: dict[str, tuple[str, str]] = {
    "grid_worker": ("网格员上报", "Grid worker"),
    "citizen": ("公众举报", "Citizen"),
    "hotline": ("12345热线", "12345 hotline"),
    "video": ("视频智能识别", "Video AI"),
    "sensor": ("物联感知", "Sensor"),
    "superior": ("上级转办", "Superior"),
    "center": ("坐席发现", "Center"),
}
WORDS: dict[str, tuple[str, str]] = {
    "title": ("城市管理综合考评报告", "City management evaluation report"),
    "period": ("考评期间", "Period"),
    "scope": ("考评范围", "Scope"),
    "territory": ("全辖区", "Whole territory"),
    "as_of": ("统计时点", "Figures as of"),
    "total": ("合计", "Total"),
    "no_cases": ("本期间无案件", "No cases in this period"),
    "weights": ("评分权重", "Score weights"),
    "daily_chart": ("每日上报与结案", "Reported and closed per day"),
    "on_time_chart": ("每日按期率", "On-time rates per day"),
    "departments_chart": ("部门对比", "Departments compared"),
    "sources_chart": ("案件来源", "Case sources over time"),
    "map": ("网格超期待处置率", "Open-past-deadline rate by grid"),
    "map_density": ("网格案件密度（件/平方公里）", "Cases per km² by grid"),
    "page": ("第 {n} 页", "Page {n}"),
    "generated": ("生成于", "Generated"),
    "cases": ("件", "cases"),
    "no_data": ("无数据", "no data"),
}


def text(key: str, lang: Lang) -> str:
    """A word of the report in `lang`; a metric, grouping, source or report word."""
    for table in (WORDS, METRICS, GROUPS, SOURCES):
        if key in table:
            return table[key][0 if lang == "zh_CN" else 1]
    return key


def source_name(code: str, lang: Lang) -> str:
    pair = SOURCES.get(code)
    return pair[0 if lang == "zh_CN" else 1] if pair else code


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise ValueError(f"Unknown language '{lang}': choose one of {', '.join(LANGS)}.")
    return lang

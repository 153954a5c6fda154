"""ECharts options built on the server: the page embeds them as JSON and dash.js only draws them."""

from __future__ import annotations

from datetime import date
from typing import Any

RED = "#d9363e"
GREEN = "#2f9e44"
BLUE = "#1c7ed6"
GREY = "#adb5bd"
AMBER = "#f08c00"
STATE_COLORS = {"overdue": RED, "open": BLUE, "long_term": AMBER, "closed": GREEN}

_GRID = {"left": 8, "right": 36, "top": 28, "bottom": 8, "containLabel": True}


def rate_bars(labels: list[str], rates: list[float], details: list[str], name: str) -> dict[str, Any]:
    """Horizontal bars of a percentage per unit; below 60% red, below 100% amber, else green."""
    data = []
    for rate, detail in zip(rates, details):
        percent = round(rate * 100, 1)
        color = GREEN if percent >= 100 else AMBER if percent >= 60 else RED
        data.append({"value": percent, "detail": detail, "itemStyle": {"color": color}})
    return {
        "animation": False,
        "grid": _GRID,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}%"},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": labels, "inverse": True, "axisLabel": {"width": 80, "overflow": "truncate"}},
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": data,
                "barMaxWidth": 18,
                "label": {"show": True, "position": "right", "formatter": "{c}%"},
            }
        ],
    }


def stacked_states(categories: list[str], counts: dict[str, list[int]], labels: dict[str, str]) -> dict[str, Any]:
    """Horizontal stacked bars: one bar per category, one colour per state (overdue in red)."""
    return {
        "animation": False,
        "grid": {**_GRID, "top": 36},
        "legend": {"top": 0, "itemWidth": 12, "itemHeight": 10},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": categories, "inverse": True, "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": [
            {
                "name": labels[state],
                "type": "bar",
                "stack": "all",
                "data": values,
                "itemStyle": {"color": STATE_COLORS.get(state, GREY)},
                "barMaxWidth": 22,
            }
            for state, values in counts.items()
        ],
    }


def status_pie(items: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0, "itemWidth": 12, "itemHeight": 10},
        "series": [
            {
                "type": "pie",
                "radius": ["38%", "64%"],
                "center": ["50%", "44%"],
                "data": [{"name": name, "value": value} for name, value in items],
                "label": {"formatter": "{b} {c}"},
            }
        ],
    }


def deadline_timeline(
    points: list[dict[str, Any]], categories: list[str], today: date, labels: dict[str, str]
) -> dict[str, Any]:
    """Each open task as a dot on its deadline, one row per category; overdue dots are red.

    points: {"id", "category", "deadline" (ISO date), "state", "problem"}; a click opens the task's history.
    """
    series = {}
    for point in points:
        state = point["state"]
        series.setdefault(state, []).append(
            {"value": [point["deadline"], point["category"]], "id": point["id"], "name": point["problem"]}
        )
    return {
        "animation": False,
        "grid": {**_GRID, "top": 36, "bottom": 24},
        "legend": {"top": 0, "itemWidth": 12, "itemHeight": 10},
        "tooltip": {"trigger": "item", "formatter": "#{@[2]} {b}<br/>时限 {@[0]}"},
        "xAxis": {"type": "time", "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "category", "data": categories, "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": [
            {
                "name": labels[state],
                "type": "scatter",
                "symbolSize": 12,
                "itemStyle": {"color": STATE_COLORS.get(state, GREY), "opacity": 0.85},
                "encode": {"x": 0, "y": 1},
                "data": [{**item, "value": [*item["value"], item["id"]]} for item in items],
                **(
                    {
                        "markLine": {
                            "symbol": "none",
                            "silent": True,
                            "lineStyle": {"color": "#495057", "type": "dashed"},
                            "label": {"formatter": "今天"},
                            "data": [{"xAxis": today.isoformat()}],
                        }
                    }
                    if index == 0
                    else {}
                ),
            }
            for index, (state, items) in enumerate(sorted(series.items(), key=lambda kv: ("overdue", "open", "long_term", "closed").index(kv[0])))
        ],
    }

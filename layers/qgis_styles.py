"""The desktop's layer styles as QGIS styles (QML), for the store's published GIS layers (docs/QGIS.md).

One definition, not two: the colours and sizes come from the layers the desktop draws with
(`cases.LIGHT_COLOURS` and `URGENCY_SIZES`, `devices.SYMBOLS`, `personnel.SYMBOLS`, `OrgStyle`), so a
change there changes what `gridwatch gis publish` writes into QGIS's `layer_styles`. Sizes are the
desktop's logical pixels (QGIS's "Pixel" unit). A QML document is plain XML: no QGIS is needed to write one.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from gridwatch.layers import devices, personnel
from gridwatch.layers.base import DETAIL_SCALE
from gridwatch.layers.cases import LIGHT_COLOURS, TOP_CLASSES, URGENCY_SIZES, Light, Urgency
from gridwatch.layers.org import OrgLevel, OrgStyle
from gridwatch.layers.symbols import Shape, Symbol

QGIS_VERSION = "3.22.0"
SHAPES = {
    Shape.CIRCLE: "circle",
    Shape.SQUARE: "square",
    Shape.TRIANGLE: "triangle",
    Shape.DIAMOND: "diamond",
}
DEVICE_KINDS = {kind: kind.name.lower() for kind in devices.DeviceKind}
"""`devices.kind` in the store for each of the desktop's device kinds."""
LIGHT_LABELS = {Light.GREEN: "green", Light.YELLOW: "yellow", Light.RED: "red"}
"""`gis_cases.light` (`queries.light_of`'s values); a case without a running clock has none (NULL)."""
TRACK_WIDTH_PX = 2.0
ON_DUTY_EXPRESSION = "if(\"on_duty\", 'on duty', 'off duty')"


def rgba(argb: int) -> str:
    """0xAARRGGBB as QGIS writes a colour: 'r,g,b,a'."""
    return f"{(argb >> 16) & 0xFF},{(argb >> 8) & 0xFF},{argb & 0xFF},{(argb >> 24) & 0xFF}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    box = ET.SubElement(parent, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(box, "Option", name=name, value=value, type="QString")


def _data_defined(parent: ET.Element, expressions: dict[str, str]) -> None:
    box = ET.SubElement(ET.SubElement(parent, "data_defined_properties"), "Option", type="Map")
    ET.SubElement(box, "Option", name="name", value="", type="QString")
    props = ET.SubElement(box, "Option", name="properties", type="Map")
    for key, expression in expressions.items():
        prop = ET.SubElement(props, "Option", name=key, type="Map")
        ET.SubElement(prop, "Option", name="active", value="true", type="bool")
        ET.SubElement(prop, "Option", name="expression", value=expression, type="QString")
        ET.SubElement(prop, "Option", name="type", value="3", type="int")  # an expression
    ET.SubElement(box, "Option", name="type", value="collection", type="QString")


def _symbol_layer(symbols: ET.Element, name: str, kind: str, cls: str) -> ET.Element:
    """A symbol of one symbol layer of class `cls` (SimpleMarker, SimpleLine, SimpleFill)."""
    element = ET.SubElement(
        symbols, "symbol", name=name, type=kind, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    return ET.SubElement(element, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})


def _marker(
    symbols: ET.Element, name: str, symbol: Symbol, expressions: dict[str, str] | None = None
) -> None:
    layer = _symbol_layer(symbols, name, "marker", "SimpleMarker")
    _options(
        layer,
        {
            "name": SHAPES[symbol.shape],
            "color": rgba(symbol.fill),
            "outline_color": rgba(symbol.stroke),
            "outline_style": "solid",
            "outline_width": f"{symbol.stroke_width:g}",
            "outline_width_unit": "Pixel",
            "size": f"{symbol.size:g}",
            "size_unit": "Pixel",
            "scale_method": "diameter",
        },
    )
    if expressions:
        _data_defined(layer, expressions)


def _line(symbols: ET.Element, name: str, colour: int, width: float) -> None:
    layer = _symbol_layer(symbols, name, "line", "SimpleLine")
    _options(
        layer,
        {
            "line_color": rgba(colour),
            "line_width": f"{width:g}",
            "line_width_unit": "Pixel",
            "line_style": "solid",
            "joinstyle": "round",
            "capstyle": "round",
        },
    )


def _outline(symbols: ET.Element, name: str, colour: int, width: float) -> None:
    layer = _symbol_layer(symbols, name, "fill", "SimpleFill")
    _options(
        layer,
        {
            "color": "0,0,0,0",
            "style": "no",
            "outline_color": rgba(colour),
            "outline_style": "solid",
            "outline_width": f"{width:g}",
            "outline_width_unit": "Pixel",
            "joinstyle": "round",
        },
    )


def _document(renderer: ET.Element, detail_only: bool = False) -> str:
    """A QML document; `detail_only`: drawn from 1:DETAIL_SCALE in, as the desktop draws it."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Rendering")
    if detail_only:
        root.attrib.update(hasScaleBasedVisibilityFlag="1", minScale=f"{DETAIL_SCALE:g}", maxScale="0")
    root.append(renderer)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


def _renderer(kind: str, attr: str | None = None) -> ET.Element:
    attributes = {"type": kind, "symbollevels": "0", "enableorderby": "0", "forceraster": "0"}
    if attr is not None:
        attributes["attr"] = attr
    return ET.Element("renderer-v2", attributes)


def _categorized(attr: str, categories: Sequence[tuple[str | None, str]]) -> tuple[ET.Element, ET.Element]:
    """A categorized renderer on `attr`; `categories` are (value, label), value None: no value (NULL)."""
    renderer = _renderer("categorizedSymbol", attr=attr)
    box = ET.SubElement(renderer, "categories")
    for i, (value, label) in enumerate(categories):
        value_text = "" if value is None else value
        ET.SubElement(box, "category", symbol=str(i), value=value_text, label=label, render="true")
    return renderer, ET.SubElement(renderer, "symbols")


def _single() -> tuple[ET.Element, ET.Element]:
    renderer = _renderer("singleSymbol")
    return renderer, ET.SubElement(renderer, "symbols")


def urgency_size_expression() -> str:
    """The desktop's symbol size by urgency (`URGENCY_SIZES`) as a QGIS expression."""
    whens = " ".join(f"WHEN '{u.name}' THEN {URGENCY_SIZES[u]:g}" for u in Urgency)
    return f'CASE "urgency" {whens} ELSE {URGENCY_SIZES[Urgency.C]:g} END'


def case_shape_expression() -> str:
    """Components (top classes 01–05) are squares, events (06–10) circles, as on the desktop's map."""
    return (
        f"CASE WHEN to_int(left(\"category_code\", 2)) <= {TOP_CLASSES} THEN '{SHAPES[Shape.SQUARE]}' "
        f"ELSE '{SHAPES[Shape.CIRCLE]}' END"
    )


def cases_qml() -> str:
    """Cases coloured by their light (no running clock: the desktop's closed grey), sized by urgency."""
    renderer, symbols = _categorized(
        "light", [*((LIGHT_LABELS[light], LIGHT_LABELS[light]) for light in LIGHT_LABELS), (None, "no clock")]
    )
    dynamic = {"size": urgency_size_expression(), "name": case_shape_expression()}
    for i, light in enumerate([*LIGHT_LABELS, Light.CLOSED]):
        _marker(
            symbols, str(i), Symbol(Shape.CIRCLE, LIGHT_COLOURS[light], URGENCY_SIZES[Urgency.B]), dynamic
        )
    return _document(renderer)


def devices_qml() -> str:
    """Each kind with the desktop's shape and colour, an offline device in the desktop's grey; from street
    level in, as on the desktop."""
    renderer, symbols = _categorized("kind", [(name, name) for name in DEVICE_KINDS.values()])
    for i, kind in enumerate(DEVICE_KINDS):
        online, offline = devices.SYMBOLS[kind * 2 + 1], devices.SYMBOLS[kind * 2]
        colour = f"if(\"online\", '{rgba(online.fill)}', '{rgba(offline.fill)}')"
        _marker(symbols, str(i), online, {"fillColor": colour})
    return _document(renderer, detail_only=True)


def positions_qml() -> str:
    """Grid workers on duty and off duty, as the personnel layer draws them."""
    renderer, symbols = _categorized(ON_DUTY_EXPRESSION, [("on duty", "on duty"), ("off duty", "off duty")])
    _marker(symbols, "0", personnel.SYMBOLS[1])
    _marker(symbols, "1", personnel.SYMBOLS[0])
    return _document(renderer)


def tracks_qml() -> str:
    """A worker's walk in the on-duty colour, from street level in (the desktop's tails)."""
    renderer, symbols = _single()
    _line(symbols, "0", personnel.ON_DUTY, TRACK_WIDTH_PX)
    return _document(renderer, detail_only=True)


def org_units_qml(style: OrgStyle | None = None) -> str:
    """Each level's outline in the desktop's colour and width, no fill."""
    style = style or OrgStyle()
    renderer, symbols = _categorized(
        "level", [(level.name.lower(), level.name.lower()) for level in OrgLevel]
    )
    for level in OrgLevel:
        _outline(symbols, str(int(level)), style.colours[level], style.widths[level])
    return _document(renderer)


def grids_qml(style: OrgStyle | None = None) -> str:
    style = style or OrgStyle()
    renderer, symbols = _single()
    _outline(symbols, "0", style.colours[OrgLevel.GRID], style.widths[OrgLevel.GRID])
    return _document(renderer)


def published_styles() -> dict[str, str]:
    """Every published view's default style (view name → QML), for `gridwatch.db.published.publish`."""
    return {
        "gis_org_units": org_units_qml(),
        "gis_grids": grids_qml(),
        "gis_cases": cases_qml(),
        "gis_open_cases": cases_qml(),
        "gis_devices": devices_qml(),
        "gis_positions": positions_qml(),
        "gis_tracks": tracks_qml(),
    }

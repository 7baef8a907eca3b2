"""GeoReport v2's XML form of the same answers as its JSON (`services.xml`, `requests.xml` …)."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring


def as_xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    """`<root><item><key>value</key>…</item>…</root>`, the shape every GeoReport v2 list has."""
    top = Element(root)
    for row in rows:
        node = SubElement(top, item)
        for key, value in row.items():
            _add(node, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + tostring(top, encoding="unicode").encode()


def _add(parent: Element, key: str, value: Any) -> None:
    child = SubElement(parent, key)
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                sub = SubElement(child, key.rstrip("s") or "item")
                for k, v in entry.items():
                    _add(sub, k, v)
            else:
                _add(child, key.rstrip("s") or "item", entry)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        child.text = str(value)
